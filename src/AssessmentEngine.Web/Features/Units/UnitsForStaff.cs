using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;
using Marten;

namespace AssessmentEngine.Web.Features.Units;

/// <summary>A candidate's unit as its assessor or verifier sees it: the unit record, the decisions so far and whether the unit can be decided.</summary>
public sealed record UnitForStaff(EnrolmentForAssessor Found, UnitOutcome Outcome, UnitReadiness Readiness, IReadOnlyList<Attempt> Attempts,
    IReadOnlyList<Submission> Submissions)
{
    /// <summary>Whether this person marked the test, judged the evidence, recorded evidence or decided the unit: they do not verify it.</summary>
    public bool AssessedBy(Staff staff) =>
        Outcome.Decisions.Any(d => d.AssessorId == staff.Id)
        || Attempts.Any(a => a.MarkedOrDecidedBy.Contains(staff.Id))
        || Submissions.SelectMany(s => s.Versions).Any(v => v.Judgement?.Actor == staff.Actor)
        || Found.Records.Any(r => r.RecordedBy == staff.Actor);
}

/// <summary>Loads a candidate's unit for the staff of its centre, with what informs its decision.</summary>
public sealed class UnitsForStaff(IDocumentStore store, RecordAssessorEvidence recording, TimeProvider time)
{
    public async Task<UnitForStaff> LoadAsync(ClaimsPrincipal user, Role role, Guid enrolmentId, CancellationToken cancellationToken)
    {
        var found = await recording.EnrolmentAsync(user, role, enrolmentId, cancellationToken);
        await using var session = store.QuerySession();
        var outcome = await session.LoadAsync<UnitOutcome>(enrolmentId, cancellationToken) ?? UnitOutcome.For(found.Enrolment);
        var attempts = await session.Query<Attempt>().Where(a => a.EnrolmentId == enrolmentId && a.Status == AttemptStatus.Submitted).ToListAsync(cancellationToken);
        var submissions = await session.Query<Submission>().Where(s => s.EnrolmentId == enrolmentId).ToListAsync(cancellationToken);
        var readiness = await ReadinessAsync(session, found, attempts, submissions, time.GetUtcNow(), cancellationToken);
        return new UnitForStaff(found, outcome, readiness, attempts, submissions);
    }

    private static async Task<UnitReadiness> ReadinessAsync(IQuerySession session, EnrolmentForAssessor found, IReadOnlyList<Attempt> attempts,
        IReadOnlyList<Submission> submissions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var unit = found.Unit;
        var methods = (unit.Methods ?? []).Select(m => m.Method).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        var waiting = new List<string>();
        var informed = new List<string>();
        var zone = found.Centre.Zone;
        string Day(DateTimeOffset at) => Enrolments.CentreTime.Show(at, zone);

        var tests = attempts.Where(a => a.Form is { Items.Count: > 0 }).OrderBy(a => a.SubmittedAt).ToList();
        if (methods.Contains(AssessmentMethod.OnlineTest) && tests.Count == 0)
        {
            missing.Add("no online test has been taken");
        }

        var marked = 0;
        foreach (var attempt in tests)
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            var result = AttemptResult.Of(attempt, items, unit.Outcomes);
            if (result.AwaitingMarks > 0)
            {
                waiting.Add($"the online test of {Day(attempt.SubmittedAt!.Value)} has {result.AwaitingMarks} response(s) to mark");
                continue;
            }

            marked++;
            informed.Add($"Online test ({Day(attempt.SubmittedAt!.Value)}): {result.Total:0.#} of {result.Available} marks ({result.Percent:0.#}%), pass mark {attempt.PassPercent}%");
        }

        var judged = 0;
        foreach (var submission in submissions.Where(s => s.Latest is not null))
        {
            var title = unit.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId)?.Title ?? submission.BriefId;
            if (submission.Status == SubmissionStatus.AwaitingJudgement)
            {
                waiting.Add($"version {submission.Latest!.Number} of the evidence for \"{title}\" waits for judgement");
            }

            if (submission.Versions.LastOrDefault(v => v.Judgement is not null) is { Judgement: { } judgement } version)
            {
                judged++;
                informed.Add($"Evidence \"{title}\" version {version.Number}: {judgement.Criteria.Count(c => c.Met)} of {judgement.Criteria.Count} criteria met");
            }
        }

        var briefed = (unit.Briefs ?? []).Where(b => b.Method != AssessmentMethod.Assignment || b.TimeLimitMinutes is null).Select(b => b.Method).ToHashSet(StringComparer.Ordinal);
        if (methods.Any(m => AssessmentMethod.TakesEvidenceFor(m) && briefed.Contains(m)) && judged == 0)
        {
            missing.Add("no submitted evidence has been judged yet");
        }

        if (found.Records.Count > 0)
        {
            informed.Add($"{found.Records.Count} assessor record(s): observations, discussions, questioning, testimonies");
        }

        var gaps = found.Coverage.Count(c => c.Gap);
        informed.Add(gaps == 0 ? $"Every one of the unit's {found.Coverage.Count} statements has evidence" : $"{gaps} of {found.Coverage.Count} statements without evidence");
        var windowClosed = found.Enrolment.Closed || (found.Enrolment.Window is { } window && now > window.Closes);
        return new UnitReadiness(missing, waiting, gaps, marked + judged + found.Records.Count > 0, windowClosed, string.Join(". ", informed) + ".");
    }
}
