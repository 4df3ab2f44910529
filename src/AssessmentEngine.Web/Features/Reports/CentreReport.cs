using System.Globalization;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Units;

namespace AssessmentEngine.Web.Features.Reports;

/// <summary>Where one candidate's unit stands, from nothing done to the result released.</summary>
public enum Standing
{
    NotStarted,
    InProgress,
    WaitingForAssessor,
    AwaitingCountersignature,
    Disputed,
    DecidedAwaitingRelease,
    ReleasedCompetent,
    ReleasedNotYetCompetent,
}

public static class Standings
{
    public static readonly IReadOnlyList<Standing> All = Enum.GetValues<Standing>();

    public static string Label(this Standing standing) => standing switch
    {
        Standing.NotStarted => "Not started",
        Standing.InProgress => "In progress",
        Standing.WaitingForAssessor => "Waiting for marking or judgement",
        Standing.AwaitingCountersignature => "Decided, awaiting countersignature",
        Standing.Disputed => "Decided, disputed by the verifier",
        Standing.DecidedAwaitingRelease => "Decided (verified or not sampled), awaiting release",
        Standing.ReleasedCompetent => "Released competent",
        Standing.ReleasedNotYetCompetent => "Released not yet competent",
        _ => throw new ArgumentOutOfRangeException(nameof(standing)),
    };

    /// <summary>Each at least 4.5:1 against white (so also against the page) and under white numbers.</summary>
    public static string Colour(this Standing standing) => standing switch
    {
        Standing.NotStarted => "#505a5f",
        Standing.InProgress => "#1d70b8",
        Standing.WaitingForAssessor => "#a35200",
        Standing.AwaitingCountersignature => "#4c2c92",
        Standing.Disputed => "#d4351c",
        Standing.DecidedAwaitingRelease => "#00726b",
        Standing.ReleasedCompetent => "#005a30",
        Standing.ReleasedNotYetCompetent => "#912b88",
        _ => throw new ArgumentOutOfRangeException(nameof(standing)),
    };

    /// <summary>
    /// Where an enrolment stands: its unit decision first (the latest counts), then whether a submitted test has responses to
    /// mark or a version of evidence waits for judgement, then whether anything has been sat or uploaded at all.
    /// </summary>
    public static Standing Of(UnitOutcome? outcome, IEnumerable<AttemptFacts> attempts, IEnumerable<Submission> submissions)
    {
        var current = outcome?.Current;
        switch (outcome?.Status)
        {
            case UnitStatus.Released:
                return current!.Competent ? Standing.ReleasedCompetent : Standing.ReleasedNotYetCompetent;
            case UnitStatus.AwaitingCountersignature:
                return Standing.AwaitingCountersignature;
            case UnitStatus.Disputed:
                return Standing.Disputed;
            case UnitStatus.Decided or UnitStatus.Verified:
                return Standing.DecidedAwaitingRelease;
        }

        var sat = attempts.Where(a => a.Status is not (AttemptStatus.Refused or AttemptStatus.Voided)).ToList();
        var evidence = submissions.ToList();
        if (sat.Any(a => a.ResponsesToMark > 0) || evidence.Any(s => s.Status == SubmissionStatus.AwaitingJudgement))
        {
            return Standing.WaitingForAssessor;
        }

        return sat.Count > 0 || evidence.Any(s => s.Versions.Count > 0 || s.Draft.Count > 0) ? Standing.InProgress : Standing.NotStarted;
    }
}

/// <summary>
/// What the report needs of an attempt, read without its answers: a centre's attempts are many and their answers long.
/// </summary>
public sealed class AttemptFacts
{
    public Guid Id { get; init; }

    public Guid EnrolmentId { get; init; }

    public Guid CandidateId { get; init; }

    public string UnitCode { get; init; } = "";

    public AttemptStatus Status { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public Form? Form { get; init; }

    public IReadOnlyDictionary<string, decimal> AutoMarks { get; init; } = new Dictionary<string, decimal>();

    public IReadOnlyDictionary<string, AssessorMark> AssessorMarks { get; init; } = new Dictionary<string, AssessorMark>();

    public AssessmentDecisionRecorded? Decision { get; init; }

    public SampledForVerification? Sampled { get; init; }

    public VerificationRecorded? Verification { get; init; }

    /// <summary>Responses of a submitted attempt that have no mark yet, neither the engine's nor an assessor's.</summary>
    public int ResponsesToMark => Status == AttemptStatus.Submitted
        ? (Form?.Items ?? []).Count(i => !AutoMarks.ContainsKey(i.ItemId) && !(AssessorMarks?.ContainsKey(i.ItemId) ?? false))
        : 0;
}

/// <summary>How many of a unit's candidates stand where.</summary>
public sealed record UnitStandings(string UnitCode, string Title, IReadOnlyDictionary<Standing, int> Counts)
{
    public int Total => Counts.Values.Sum();

    public int this[Standing standing] => Counts.GetValueOrDefault(standing);

    /// <summary>The numbers in words, for the chart's text alternative.</summary>
    public string InWords() =>
        $"{UnitCode}, {Total} candidate{(Total == 1 ? "" : "s")}: " +
        string.Join(", ", Standings.All.Where(s => this[s] > 0).Select(s => $"{this[s]} {s.Label().ToLowerInvariant()}")) + ".";
}

public enum OutstandingKind
{
    Marking,
    Judging,
    VerifyingTest,
    VerifyingEvidence,
    Countersigning,
}

/// <summary>Something an assessor or verifier has yet to do, and since when it has waited.</summary>
public sealed record OutstandingItem(OutstandingKind Kind, Candidate? Candidate, string UnitCode, string What, string Whose, DateTimeOffset Since)
{
    public string Label => Kind switch
    {
        OutstandingKind.Marking => "Test responses to mark",
        OutstandingKind.Judging => "Evidence to judge",
        OutstandingKind.VerifyingTest => "Test decision to verify",
        OutstandingKind.VerifyingEvidence => "Evidence judgement to verify",
        OutstandingKind.Countersigning => "Unit decision to countersign",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };
}

/// <summary>Everything the centre's reports page reads, loaded once by centre.</summary>
public sealed record ReportFacts(Centre Centre, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Enrolment> Enrolments, IReadOnlyList<UnitOutcome> Outcomes,
    IReadOnlyList<AttemptFacts> Attempts, IReadOnlyList<Submission> Submissions, IReadOnlyDictionary<string, string> UnitTitles);

/// <summary>
/// A centre at a glance: its candidates by unit status, the marking and verification outstanding, who is not yet competent and
/// what their plan says, and the windows closing with nothing decided. Pure: from the facts and the time to the tables.
/// </summary>
public sealed record CentreReport(Centre Centre, DateTimeOffset At, IReadOnlyList<UnitStandings> Units, IReadOnlyList<OutstandingItem> Outstanding,
    ReportTable StatusTable, ReportTable OutstandingSummary, ReportTable OutstandingTable, ReportTable PlansTable, ReportTable WindowsTable)
{
    public const int WindowDays = 14;

    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The sections whose tables download as CSV, by the name the download asks for.</summary>
    public static readonly IReadOnlyList<string> Sections = ["status", "outstanding", "plans", "windows"];

    public ReportTable? Section(string? name) => name switch
    {
        "status" => StatusTable,
        "outstanding" => OutstandingTable,
        "plans" => PlansTable,
        "windows" => WindowsTable,
        _ => null,
    };

    public static CentreReport Of(ReportFacts facts, DateTimeOffset now)
    {
        var zone = facts.Centre.Zone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var candidates = facts.Candidates.ToDictionary(c => c.Id);
        var outcomes = facts.Outcomes.ToDictionary(o => o.Id);
        var attempts = facts.Attempts.ToLookup(a => a.EnrolmentId);
        var submissions = facts.Submissions.ToLookup(s => s.EnrolmentId);
        var standing = facts.Enrolments.ToDictionary(e => e.Id, e => Standings.Of(outcomes.GetValueOrDefault(e.Id), attempts[e.Id], submissions[e.Id]));
        string Title(string unit) => facts.UnitTitles.GetValueOrDefault(unit, "");
        Candidate? Who(Guid id) => candidates.GetValueOrDefault(id);

        var units = facts.Enrolments.GroupBy(e => e.UnitCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UnitStandings(g.Key, Title(g.Key), g.GroupBy(e => standing[e.Id]).ToDictionary(s => s.Key, s => s.Count())))
            .ToList();

        var outstanding = OutstandingOf(facts, Who).OrderBy(o => o.Since).ToList();

        return new CentreReport(facts.Centre, now, units, outstanding,
            StatusTableOf(units),
            SummaryOf(outstanding, now),
            OutstandingTableOf(outstanding, now, zone),
            PlansTableOf(facts, Who, today),
            WindowsTableOf(facts, outcomes, standing, Who, now, zone, today));
    }

    private static ReportTable StatusTableOf(IReadOnlyList<UnitStandings> units) => new(
        "Candidates by unit status",
        ["Unit", "Title", .. Standings.All.Select(s => s.Label()), "Total"],
        [.. units.Select(u => (IReadOnlyList<ReportCell>)[u.UnitCode, u.Title, .. Standings.All.Select(s => ReportCell.Count(u[s])), ReportCell.Count(u.Total)])]);

    private static IEnumerable<OutstandingItem> OutstandingOf(ReportFacts facts, Func<Guid, Candidate?> who)
    {
        const string AnyAssessor = "any assessor (not assigned)";
        foreach (var attempt in facts.Attempts)
        {
            if (attempt.ResponsesToMark is var toMark and > 0)
            {
                yield return new OutstandingItem(OutstandingKind.Marking, who(attempt.CandidateId), attempt.UnitCode,
                    $"{toMark} response{(toMark == 1 ? "" : "s")} of the online test", AnyAssessor, attempt.SubmittedAt!.Value);
            }

            if (attempt is { Sampled: { } sampled, Verification: null, Decision: { } decision })
            {
                yield return new OutstandingItem(OutstandingKind.VerifyingTest, who(attempt.CandidateId), attempt.UnitCode,
                    $"the online test decision ({Words(decision.Decision)}), sampled: {sampled.Reason}", decision.Assessor, sampled.SampledAt);
            }
        }

        foreach (var submission in facts.Submissions)
        {
            if (submission is { Status: SubmissionStatus.AwaitingJudgement, Latest: { } latest })
            {
                yield return new OutstandingItem(OutstandingKind.Judging, who(submission.CandidateId), submission.UnitCode,
                    $"version {latest.Number} of \"{latest.Brief.Title}\"", AnyAssessor, latest.SubmittedAt);
            }

            foreach (var version in submission.Versions.Where(v => v is { Sampled: not null, Verification: null, Judgement: not null }))
            {
                yield return new OutstandingItem(OutstandingKind.VerifyingEvidence, who(submission.CandidateId), submission.UnitCode,
                    $"the judgement of version {version.Number} of \"{version.Brief.Title}\", sampled: {version.Sampled!.Reason}", version.Judgement!.Actor, version.Sampled.At);
            }
        }

        foreach (var outcome in facts.Outcomes.Where(o => o.Status == UnitStatus.AwaitingCountersignature))
        {
            var current = outcome.Current!;
            yield return new OutstandingItem(OutstandingKind.Countersigning, who(outcome.CandidateId), outcome.UnitCode,
                $"decision {current.Number} ({Words(current.Decision)}), sampled: {current.Sampled!.Reason}", current.Assessor, current.Sampled.SampledAt);
        }
    }

    private static ReportTable SummaryOf(IReadOnlyList<OutstandingItem> outstanding, DateTimeOffset now) => new(
        "Outstanding work by kind and whose decision it is",
        ["Waiting for", "Whose decision", "How many", "Oldest waiting"],
        [.. outstanding.GroupBy(o => (o.Kind, o.Whose)).OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Whose, StringComparer.OrdinalIgnoreCase)
            .Select(g => (IReadOnlyList<ReportCell>)[g.First().Label, g.Key.Whose, ReportCell.Count(g.Count()), HowLong(now - g.Min(o => o.Since))])]);

    private static ReportTable OutstandingTableOf(IReadOnlyList<OutstandingItem> outstanding, DateTimeOffset now, TimeZoneInfo zone) => new(
        "Outstanding marking and verification, oldest first",
        ["Waiting for", "Candidate number", "Name", "Unit", "What", "Whose decision", "Waiting since", "How long"],
        [.. outstanding.Select(o => (IReadOnlyList<ReportCell>)[o.Label, o.Candidate?.CandidateNumber ?? "", o.Candidate?.Name ?? "", o.UnitCode, o.What, o.Whose,
            CentreTime.Show(o.Since, zone), HowLong(now - o.Since)])]);

    private static ReportTable PlansTableOf(ReportFacts facts, Func<Guid, Candidate?> who, DateOnly today)
    {
        var rows = new List<(DateOnly Due, string Number, IReadOnlyList<ReportCell> Cells)>();
        foreach (var outcome in facts.Outcomes.Where(o => o.Current is { Competent: false }))
        {
            var decision = outcome.Current!;
            var candidate = who(outcome.CandidateId);
            var number = candidate?.CandidateNumber ?? "";
            IReadOnlyList<ReportCell> Row(string what, DateOnly? by, ReportCell due) =>
            [
                number, candidate?.Name ?? "", outcome.UnitCode, Day(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(decision.DecidedAt, facts.Centre.Zone).DateTime)),
                decision.Assessor, decision.Released is { } released ? $"Released {Day(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(released.ReleasedAt, facts.Centre.Zone).DateTime))}" : "Not released yet",
                what, by is { } date ? Day(date) : "", due,
            ];

            var actions = decision.Plan?.Actions ?? [];
            foreach (var action in actions)
            {
                rows.Add((action.By, number, Row(action.What, action.By, Due(action.By, today))));
            }

            if (decision.Plan is { NewTestOccasion: true })
            {
                rows.Add((DateOnly.MaxValue, number, Row("A new test occasion, drawing items not seen before", null, "")));
            }

            if (decision.Plan is null)
            {
                rows.Add((DateOnly.MinValue, number, Row("No plan recorded", null, new ReportCell("No plan: agree one with the candidate", Alert: true))));
            }
        }

        return new ReportTable("Candidates not yet competent, with their plans",
            ["Candidate number", "Name", "Unit", "Decided", "Assessor", "Result", "To do", "By", "Due"],
            [.. rows.OrderBy(r => r.Due).ThenBy(r => r.Number, StringComparer.Ordinal).Select(r => r.Cells)]);
    }

    private static ReportTable WindowsTableOf(ReportFacts facts, Dictionary<Guid, UnitOutcome> outcomes, Dictionary<Guid, Standing> standing,
        Func<Guid, Candidate?> who, DateTimeOffset now, TimeZoneInfo zone, DateOnly today)
    {
        var closing = facts.Enrolments
            .Where(e => e is { Closed: false, Window: { } w } && w.Closes > now && w.Closes <= now.AddDays(WindowDays)
                && outcomes.GetValueOrDefault(e.Id)?.Current is null or { Disputed: true })
            .OrderBy(e => e.Window!.Closes).ThenBy(e => who(e.CandidateId)?.CandidateNumber, StringComparer.Ordinal);
        // A decision the verifier disputed stands for nothing until the assessor decides again: the window still needs one.
        return new ReportTable($"Windows closing in the next {WindowDays} days with no decision, soonest first",
            ["Candidate number", "Name", "Unit", "Window closes", "Time left", "Where it stands"],
            [.. closing.Select(e =>
            {
                var candidate = who(e.CandidateId);
                var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.Window!.Closes, zone).DateTime);
                var days = lastDay.DayNumber - today.DayNumber;
                return (IReadOnlyList<ReportCell>)[candidate?.CandidateNumber ?? "", candidate?.Name ?? "", e.UnitCode, CentreTime.Show(e.Window.Closes, zone),
                    new ReportCell(days switch { 0 => "Closes today", 1 => "Closes tomorrow", _ => $"{days} days" }, Alert: days <= 2), standing[e.Id].Label()];
            })]);
    }

    private static ReportCell Due(DateOnly by, DateOnly today) => (by.DayNumber - today.DayNumber) switch
    {
        < 0 and var late => new ReportCell($"Overdue by {Plural(-late, "day")}", Alert: true),
        0 => new ReportCell("Due today", Alert: true),
        var left => $"Due in {Plural(left, "day")}",
    };

    private static string Words(string decision) => decision == Decisions.Competent ? "competent" : "not yet competent";

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", British);

    private static string Plural(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")}";

    /// <summary>How long something has waited, in the largest whole unit: days, else hours, else "under an hour".</summary>
    public static string HowLong(TimeSpan waited) =>
        waited.TotalDays >= 1 ? Plural((int)waited.TotalDays, "day") : waited.TotalHours >= 1 ? Plural((int)waited.TotalHours, "hour") : "under an hour";
}
