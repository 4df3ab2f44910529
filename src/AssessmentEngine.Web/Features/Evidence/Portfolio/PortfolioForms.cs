using System.Security.Claims;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Portfolio;

/// <summary>
/// One piece of a candidate's evidence as their index of evidence numbers it: a submission (its latest version) or a record
/// the assessor made, the units it counts for, and who of the internal verifiers sampled it.
/// </summary>
public sealed record EvidencePiece(int Number, string Description, DateOnly On, IReadOnlyList<string> Units, string Sampled)
{
    /// <summary>The statements the piece shows, by the enrolment it counts for: judged met, counted by an assessor, observed or confirmed.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<string>> Shows { get; init; } = new Dictionary<Guid, IReadOnlyList<string>>();
}

/// <summary>The index of evidence: every piece of the candidate's evidence across their units, numbered once.</summary>
public sealed record EvidenceIndex(Candidate Candidate, Centre Centre, IReadOnlyList<(Enrolment Enrolment, BankUnit Unit)> Units, IReadOnlyList<EvidencePiece> Pieces);

/// <summary>The element achievement record of one unit: the pieces that count for it against the unit's statements.</summary>
public sealed record ElementAchievement(EvidenceIndex Index, Enrolment Enrolment, BankUnit Unit)
{
    public IReadOnlyList<EvidencePiece> Pieces => Index.Pieces.Where(p => p.Shows.ContainsKey(Enrolment.Id)).ToList();
}

/// <summary>
/// The seed's printable portfolio records, made from the same facts as the unit record: the index of evidence and each unit's
/// element achievement record. The centre's assessors and internal verifiers read them; to anyone else they are "not found".
/// </summary>
public sealed class PortfolioForms(IQuerySession session)
{
    /// <summary>The candidate's index of evidence; null when there is no such candidate at a centre where the caller assesses or verifies.</summary>
    public async Task<EvidenceIndex?> IndexAsync(ClaimsPrincipal user, Guid candidateId, CancellationToken cancellationToken) =>
        await session.LoadAsync<Candidate>(candidateId, cancellationToken) is { } candidate && MayRead(user, candidate.CentreId)
            ? await IndexOfAsync(candidate, cancellationToken)
            : null;

    /// <summary>The enrolment's element achievement record; null when there is no such enrolment at a centre where the caller assesses or verifies.</summary>
    public async Task<ElementAchievement?> AchievementAsync(ClaimsPrincipal user, Guid enrolmentId, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<Enrolment>(enrolmentId, cancellationToken) is not { } enrolment || !MayRead(user, enrolment.CentreId)
            || await session.LoadAsync<Candidate>(enrolment.CandidateId, cancellationToken) is not { } candidate)
        {
            return null;
        }

        var index = await IndexOfAsync(candidate, cancellationToken);
        return index.Units.FirstOrDefault(u => u.Enrolment.Id == enrolment.Id).Unit is { } unit ? new ElementAchievement(index, enrolment, unit) : null;
    }

    private static bool MayRead(ClaimsPrincipal user, Guid centreId) => user.Holds(Role.Assessor, centreId) || user.Holds(Role.Verifier, centreId);

    private async Task<EvidenceIndex> IndexOfAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The centre is not found.");
        var enrolments = await session.Query<Enrolment>().Where(e => e.CandidateId == candidate.Id && e.CentreId == centre.Id).ToListAsync(cancellationToken);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, enrolments.Select(e => e.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        var submissions = await session.Query<Submission>().Where(s => s.CandidateId == candidate.Id && s.CentreId == centre.Id).ToListAsync(cancellationToken);
        var records = await session.Query<AssessorRecord>().Where(r => r.CandidateId == candidate.Id && r.CentreId == centre.Id).ToListAsync(cancellationToken);
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, centre.Zone).DateTime);

        var pieces = submissions.Where(s => s.Latest is not null).Select(s => (First: s.Versions[0].SubmittedAt, s.Id, Piece: FromSubmission(s, Day)))
            .Concat(records.Select(r => (First: r.RecordedAt, r.Id, Piece: FromRecord(r))))
            .OrderBy(p => p.First).ThenBy(p => p.Id)
            .Select((p, i) => p.Piece with { Number = i + 1 }).ToList();
        return new EvidenceIndex(candidate, centre, enrolments.Where(e => units.ContainsKey(e.UnitCode)).Select(e => (e, units[e.UnitCode]))
            .OrderBy(u => u.Item2.Id, StringComparer.Ordinal).ToList(), pieces);
    }

    private static EvidencePiece FromSubmission(Submission submission, Func<DateTimeOffset, DateOnly> day)
    {
        var latest = submission.Latest!;
        var judged = submission.Versions.LastOrDefault(v => v.Judgement is not null);
        var shows = new Dictionary<Guid, IReadOnlyList<string>>
        {
            [submission.EnrolmentId] = judged?.Judgement!.Criteria.Where(c => c.Met).Select(c => c.Reference).ToList() ?? [],
        };
        foreach (var counted in submission.CrossReferences)
        {
            shows[counted.EnrolmentId] = counted.Statements;
        }

        var sampled = submission.Versions.LastOrDefault(v => v.Sampled is not null) switch
        {
            { Verification: { } verified } version => $"Version {version.Number}: {verified.Actor}, {day(verified.At):d MMM yyyy}",
            { } version => $"Version {version.Number}: in the sample, not verified yet",
            null => "",
        };
        return new EvidencePiece(0, $"Submitted evidence: {latest.Brief.Title}, version {latest.Number} ({string.Join(", ", latest.Files.Select(f => f.Name))})",
            day(latest.SubmittedAt), [submission.UnitCode, .. submission.CrossReferences.Select(c => c.UnitCode).Where(u => u != submission.UnitCode).Distinct()], sampled)
        {
            Shows = shows,
        };
    }

    private static EvidencePiece FromRecord(AssessorRecord record)
    {
        var witness = record.Witness is { } w ? $" (witness {w.Name}, {w.Role}{(record.ConfirmedAt is null ? "; not confirmed yet" : "")})" : "";
        var shows = new Dictionary<Guid, IReadOnlyList<string>> { [record.EnrolmentId] = record.Authenticated ? record.Covers : [] };
        foreach (var also in record.AlsoFor)
        {
            shows[also.EnrolmentId] = record.Authenticated ? also.Statements : [];
        }

        return new EvidencePiece(0, $"{AssessorRecords.Title(record.Kind)}: {record.Activity}{witness}", record.On, [record.UnitCode, .. record.AlsoFor.Select(a => a.UnitCode)], "")
        {
            Shows = shows,
        };
    }
}
