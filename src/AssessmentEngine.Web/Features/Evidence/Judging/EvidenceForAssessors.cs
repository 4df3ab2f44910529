using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Judging;

/// <summary>A submission as its assessor or verifier sees it: whose it is, the brief, and what the brief covers.</summary>
public sealed record SubmissionForStaff(Submission Submission, Candidate Candidate, Centre Centre, Brief? Brief, IReadOnlyList<string> Covers)
{
    /// <summary>What each statement of the unit says, by reference, for the judging form.</summary>
    public IReadOnlyDictionary<string, string> Statements { get; init; } = new Dictionary<string, string>();

    public string Who => Centre.AnonymousMarking && Submission.Latest?.Judgement is null ? Candidate.CandidateNumber : $"{Candidate.Name} ({Candidate.CandidateNumber})";
}

/// <summary>Submissions for the staff of their centre: the queue waiting for judgement, and each one opened. Anyone else's is "not found".</summary>
public sealed class EvidenceForAssessors(IQuerySession session)
{
    public async Task<IReadOnlyList<SubmissionForStaff>> AtCentreAsync(Guid centreId, CancellationToken cancellationToken)
    {
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var submissions = await session.Query<Submission>().Where(s => s.CentreId == centreId).Take(1_000).ToListAsync(cancellationToken);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, submissions.Select(s => s.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, submissions.Select(s => s.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        return submissions.Where(s => s.Versions.Count > 0 && candidates.ContainsKey(s.CandidateId))
            .Select(s => For(s, candidates[s.CandidateId], centre, units.GetValueOrDefault(s.UnitCode)))
            .OrderBy(s => s.Submission.Status == SubmissionStatus.AwaitingJudgement ? 0 : 1).ThenBy(s => s.Submission.Latest!.SubmittedAt).ToList();
    }

    /// <summary>The submission, when the caller holds <paramref name="role"/> (assessor or verifier) at its centre.</summary>
    public async Task<SubmissionForStaff> OwnAsync(ClaimsPrincipal user, Role role, Guid submissionId, CancellationToken cancellationToken)
    {
        var submission = await session.LoadAsync<Submission>(submissionId, cancellationToken);
        if (submission is null || !user.Holds(role, submission.CentreId))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such submission at a centre where you assess or verify.");
        }

        var candidate = await session.LoadAsync<Candidate>(submission.CandidateId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The candidate is not found.");
        var centre = await session.LoadAsync<Centre>(submission.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The centre is not found.");
        return For(submission, candidate, centre, await session.LoadAsync<BankUnit>(submission.UnitCode, cancellationToken));
    }

    private static SubmissionForStaff For(Submission submission, Candidate candidate, Centre centre, BankUnit? unit)
    {
        var brief = unit?.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId);
        return new SubmissionForStaff(submission, candidate, centre, brief, brief?.Covers ?? [])
        {
            Statements = (unit?.Outcomes ?? []).SelectMany(o => o.Statements).GroupBy(s => s.Reference, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Text, StringComparer.Ordinal),
        };
    }
}

/// <summary>
/// The assessor records their judgement of the latest version: each criterion the brief covers, and feedback. The centre's
/// sampling rule then runs on the judgement and may put it in the verifier's sample.
/// </summary>
public sealed class JudgeEvidence(IDocumentStore store, EvidenceForAssessors submissions, TimeProvider time)
{
    public async Task HandleAsync(ClaimsPrincipal user, Guid submissionId, int version, IReadOnlyList<CriterionJudgement> criteria, string? feedback, string sourceAddress,
        CancellationToken cancellationToken)
    {
        var found = await submissions.OwnAsync(user, Role.Assessor, submissionId, cancellationToken);
        var written = await store.DecideAsync<Submission>(submissionId,
            submission => [SubmissionDecisions.Judge(submission, version, found.Covers, criteria, feedback, user.Actor(), sourceAddress, time.GetUtcNow())], cancellationToken);
        if (written is not [EvidenceJudged judged])
        {
            return;
        }

        await using var session = store.QuerySession();
        var atCentre = await session.Query<Submission>().Where(s => s.CentreId == found.Submission.CentreId && s.UnitCode == found.Submission.UnitCode)
            .ToListAsync(cancellationToken);
        var othersSampled = atCentre.SelectMany(s => s.Versions.Where(v => s.Id != submissionId || v.Number != version))
            .Count(v => Verifying.EvidenceSamplingRule.IsOther(v, judged.Actor) && Verifying.EvidenceSamplingRule.DrawnAsOther(v));
        if (Verifying.EvidenceSamplingRule.Reason(judged, othersSampled) is { } reason)
        {
            await store.DecideAsync<Submission>(submissionId, submission => SubmissionDecisions.Sample(submission, version, reason, "sampling rule", judged.At), cancellationToken);
        }

        // The candidate is told there is feedback to read (what it says stays behind their sign-in). Its id makes it one message however often this runs.
        await using var outbox = store.LightweightSession();
        var title = found.Brief?.Title ?? found.Submission.BriefId;
        outbox.Store(new Notifications.Notification($"evidence-feedback/{submissionId}/{version}", found.Candidate.Id, found.Centre.Id,
            $"Feedback on your evidence for {found.Submission.UnitCode}",
            $"Dear {found.Candidate.FirstName}, your assessor has given feedback on version {version} of your evidence for {title} (unit {found.Submission.UnitCode}). " +
            "Sign in and open Your evidence to read it and see what to do next.", judged.At));
        await outbox.SaveChangesAsync(cancellationToken);
    }
}
