using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Units;

/// <summary>
/// A unit the candidate is enrolled on and where it stands, as far as the candidate may know: not started, in progress,
/// waiting for their assessor, decided (waiting for release), or — once released — the decision.
/// </summary>
public sealed record UnitProgress(Guid EnrolmentId, string UnitCode, string Title, string Status, string? Window, UnitDecision? Released);

/// <summary>The criteria of one brief as the assessor last judged them, with the feedback.</summary>
public sealed record BriefFeedback(string Title, int Version, IReadOnlyList<CriterionJudgement> Criteria, string Feedback);

/// <summary>A released result as the candidate reads it: the decision, the feedback per criterion, the test's marks and what to do next.</summary>
public sealed record UnitResult(Candidate Candidate, Centre Centre, BankUnit Unit, UnitOutcome Outcome, UnitDecision Decision, IReadOnlyList<BriefFeedback> Evidence,
    IReadOnlyList<string> Tests, IReadOnlyDictionary<string, string> Statements);

/// <summary>An achieved unit on the candidate's record of achievement.</summary>
public sealed record AchievedUnit(string UnitCode, string Title, string AwardingBody, string Level, UnitDecision Decision);

/// <summary>What a candidate may read of their units: where each stands, released results, and their record of achievement.</summary>
public sealed class CandidateResults(IQuerySession session, CandidateBriefs briefs)
{
    public Task<Candidate> CandidateAsync(ClaimsPrincipal user, CancellationToken cancellationToken) => briefs.CandidateAsync(user, cancellationToken);

    public async Task<IReadOnlyList<UnitProgress>> UnitsAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var enrolments = await session.Query<Enrolment>().Where(e => e.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, enrolments.Select(e => e.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        var attempts = await session.Query<Attempt>().Where(a => a.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var submissions = await session.Query<Submission>().Where(s => s.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var records = await session.Query<AssessorRecord>().Where(r => r.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var outcomes = (await session.Query<UnitOutcome>().Where(o => o.CandidateId == candidate.Id).ToListAsync(cancellationToken)).ToDictionary(o => o.Id);
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken);
        return enrolments.OrderBy(e => e.UnitCode, StringComparer.Ordinal).Select(e =>
        {
            var outcome = outcomes.GetValueOrDefault(e.Id);
            var theirs = attempts.Where(a => a.EnrolmentId == e.Id).ToList();
            var evidence = submissions.Where(s => s.EnrolmentId == e.Id).ToList();
            var waiting = evidence.Any(s => s.Status == SubmissionStatus.AwaitingJudgement)
                          || theirs.Any(a => a.Status == AttemptStatus.Submitted && a.Form?.Items.Any(i => AttemptResult.MarkOf(a, i.ItemId) is null) == true);
            var started = theirs.Any(a => a.StartedAt is not null) || evidence.Count > 0 || records.Any(r => r.EnrolmentId == e.Id);
            var released = outcome?.LatestReleased;
            var status = outcome?.Current switch
            {
                { Released: not null } current => current.Competent ? "Competent" : "Not yet competent: see what to do next",
                { Verified: true, Countersignature: not null } => "Decided and verified: your centre will release your result",
                { } => "Decided: your centre will release your result",
                null when waiting => "Waiting for your assessor",
                null when started => "In progress",
                _ => "Not started",
            };
            var window = e.Window is { } w && centre is not null ? $"closes {CentreTime.Show(w.Closes, centre.Zone)}"
                : e.WindowWeeks is not null ? "not agreed yet" : null;
            return new UnitProgress(e.Id, e.UnitCode, units.GetValueOrDefault(e.UnitCode)?.Title ?? "", status, window, released);
        }).ToList();
    }

    /// <summary>
    /// The candidate's latest released result on one of their units; null before any release (the candidate is told it is
    /// not released yet); not found for anyone else's enrolment.
    /// </summary>
    public async Task<UnitResult?> ResultAsync(ClaimsPrincipal user, Guid enrolmentId, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(user, cancellationToken);
        var enrolment = await session.LoadAsync<Enrolment>(enrolmentId, cancellationToken);
        if (enrolment is null || enrolment.CandidateId != candidate.Id)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such unit of yours.");
        }

        var outcome = await session.LoadAsync<UnitOutcome>(enrolmentId, cancellationToken);
        if (outcome?.LatestReleased is not { } decision)
        {
            return null;
        }

        var centre = await session.LoadAsync<Centre>(outcome.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "Your centre is not found.");
        var unit = await session.LoadAsync<BankUnit>(outcome.UnitCode, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The unit is not found.");
        var released = decision.Released!.ReleasedAt;
        var submissions = await session.Query<Submission>().Where(s => s.EnrolmentId == enrolmentId).ToListAsync(cancellationToken);
        var evidence = submissions
            .Select(s => (s, version: s.Versions.LastOrDefault(v => v.Judgement is not null && v.Judgement.At <= released)))
            .Where(p => p.version is not null)
            .Select(p => new BriefFeedback(p.version!.Brief.Title, p.version.Number, p.version.Judgement!.Criteria, p.version.Judgement.Feedback))
            .ToList();
        var attempts = await session.Query<Attempt>().Where(a => a.EnrolmentId == enrolmentId && a.Status == AttemptStatus.Submitted).ToListAsync(cancellationToken);
        var tests = new List<string>();
        foreach (var attempt in attempts.Where(a => a.Form is { Items.Count: > 0 } && a.SubmittedAt <= released).OrderBy(a => a.SubmittedAt))
        {
            var result = AttemptResult.Of(attempt, await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken), unit.Outcomes);
            tests.Add($"Online test on {CentreTime.Show(attempt.SubmittedAt!.Value, centre.Zone)}: {result.Total:0.#} of {result.Available} marks ({result.Percent:0.#}%); " +
                string.Join("; ", result.Outcomes.Select(o => $"outcome {o.Outcome}, {o.Marks:0.#} of {o.Available}")));
        }

        var statements = unit.Outcomes.SelectMany(o => o.Statements).DistinctBy(s => s.Reference).ToDictionary(s => s.Reference, s => s.Text, StringComparer.Ordinal);
        return new UnitResult(candidate, centre, unit, outcome, decision, evidence, tests, statements);
    }

    /// <summary>The units the candidate has achieved: competent, verified where sampled, released.</summary>
    public async Task<(Candidate Candidate, Centre? Centre, IReadOnlyList<AchievedUnit> Units)> RecordAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(user, cancellationToken);
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken);
        var outcomes = (await session.Query<UnitOutcome>().Where(o => o.CandidateId == candidate.Id).ToListAsync(cancellationToken)).Where(o => o.Achieved).ToList();
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, outcomes.Select(o => o.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        return (candidate, centre, outcomes.OrderBy(o => o.Current!.Released!.ReleasedAt).Select(o =>
        {
            var unit = units.GetValueOrDefault(o.UnitCode);
            return new AchievedUnit(o.UnitCode, unit?.Title ?? "", unit?.AwardingBody ?? "", unit?.Level ?? "", o.Current!);
        }).ToList());
    }
}

/// <summary>The candidate's home asks for their units' statuses here.</summary>
public sealed class CandidateUnitsForHome(CandidateResults results) : ICandidateUnits
{
    public async Task<IReadOnlyList<CandidateUnitStatus>> ForAsync(Candidate candidate, CancellationToken cancellationToken) =>
        (await results.UnitsAsync(candidate, cancellationToken)).Select(u => new CandidateUnitStatus(u.UnitCode, u.Title, u.Status)).ToList();
}
