using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Units;

/// <summary>
/// Whether what the unit's methods require is in: <paramref name="Missing"/> (nothing yet where a method needs
/// something), <paramref name="Waiting"/> (a test to mark, evidence to judge), the statements nothing shows yet
/// (<paramref name="Gaps"/>), and what the assessor has to go on, in words, for the decision's record.
/// </summary>
public sealed record UnitReadiness(IReadOnlyList<string> Missing, IReadOnlyList<string> Waiting, int Gaps, bool AnythingIn, bool WindowClosed, string InformedBy)
{
    public bool ReadyForCompetent => Missing.Count == 0 && Waiting.Count == 0 && Gaps == 0;
}

/// <summary>The decisions on a candidate's unit: pure functions from its outcome so far and a command to the events that follow.</summary>
public static class UnitDecisions
{
    public const int MaxText = 4000;

    public const int MaxPlanActions = 10;

    /// <summary>The assessor's decision (signing the unit progress record); after not yet competent, with the plan for what is missing.</summary>
    public static IEnumerable<object> Decide(UnitOutcome outcome, UnitReadiness readiness, string? decision, string? justification, IReadOnlyList<PlanAction> plan,
        bool newTestOccasion, DateOnly today, DateOnly? windowLastDay, Staff assessor, DateTimeOffset now)
    {
        if (outcome.Current is { Disputed: false, Competent: true } current)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{current.Assessor} recorded this unit as competent on {current.DecidedAt:d MMM yyyy}; it is not decided twice.");
        }

        if (decision is not (Decisions.Competent or Decisions.NotYetCompetent))
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose competent or not yet competent.");
        }

        if (string.IsNullOrWhiteSpace(justification))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the justification for the decision: what the evidence shows, against the unit's standards.");
        }

        if (justification.Length > MaxText)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Keep the justification to {MaxText:N0} characters.");
        }

        if (readiness.Waiting.Count > 0)
        {
            throw new RefusedException(RefusalKind.Conflict, $"Not everything is in yet: {string.Join("; ", readiness.Waiting)}.");
        }

        var number = outcome.Decisions.Count + 1;
        if (decision == Decisions.Competent)
        {
            if (!readiness.ReadyForCompetent)
            {
                var missing = readiness.Missing.Concat(readiness.Gaps > 0 ? [$"{readiness.Gaps} statement(s) have nothing showing them"] : []);
                throw new RefusedException(RefusalKind.Conflict, $"The unit cannot be competent yet: {string.Join("; ", missing)}.");
            }

            return [new UnitDecided(outcome.Id, outcome.CandidateId, outcome.CentreId, outcome.UnitCode, number, decision, justification.Trim(), readiness.InformedBy,
                assessor.Id, assessor.Actor, now)];
        }

        if (!readiness.AnythingIn && !readiness.WindowClosed)
        {
            throw new RefusedException(RefusalKind.Conflict, "Nothing has been marked or judged yet and the window is open: decide once there is evidence to decide on.");
        }

        if (plan.Count == 0 && !newTestOccasion)
        {
            throw new RefusedException(RefusalKind.Invalid, "Not yet competent needs an assessment plan: say what further evidence is needed and by when, or arrange a new test occasion.");
        }

        if (plan.Count > MaxPlanActions)
        {
            throw new RefusedException(RefusalKind.Invalid, $"A plan has at most {MaxPlanActions} actions.");
        }

        foreach (var action in plan)
        {
            if (string.IsNullOrWhiteSpace(action.What) || action.What.Length > 500)
            {
                throw new RefusedException(RefusalKind.Invalid, "Say what each action of the plan is, in at most 500 characters.");
            }

            if (action.By < today)
            {
                throw new RefusedException(RefusalKind.Invalid, $"\"{action.What.Trim()}\" is due on {action.By:d MMM yyyy}, which has passed.");
            }

            if (windowLastDay is { } last && action.By > last)
            {
                throw new RefusedException(RefusalKind.Invalid,
                    $"\"{action.What.Trim()}\" is due after the window closes on {last:d MMM yyyy}: extend the window first, with the reason, then plan inside it.");
            }
        }

        return
        [
            new UnitDecided(outcome.Id, outcome.CandidateId, outcome.CentreId, outcome.UnitCode, number, decision, justification.Trim(), readiness.InformedBy, assessor.Id,
                assessor.Actor, now),
            new AssessmentPlanAgreed(outcome.Id, number, plan.Select(a => a with { What = a.What.Trim() }).ToList(), newTestOccasion, assessor.Actor, now),
        ];
    }

    public static IEnumerable<object> Sample(UnitOutcome outcome, int number, string reason, string actor, DateTimeOffset now) =>
        outcome.Decisions.FirstOrDefault(d => d.Number == number) is { Sampled: null } ? [new UnitDecisionSampled(outcome.Id, number, reason, actor, now)] : [];

    /// <summary>
    /// The internal verifier countersigns the current decision, or disagrees with it; nobody countersigns a unit they
    /// decided, or whose test they marked or whose evidence they judged.
    /// </summary>
    public static IEnumerable<object> Countersign(UnitOutcome outcome, bool? agrees, string? comment, bool verifierAssessedIt, Staff verifier, DateTimeOffset now)
    {
        if (outcome.Current is not { } current)
        {
            throw new RefusedException(RefusalKind.Conflict, "The assessor has not decided this unit yet.");
        }

        if (current.AssessorId == verifier.Id || verifierAssessedIt)
        {
            throw new RefusedException(RefusalKind.Forbidden, "You assessed this candidate's unit: staff must never internally verify their own assessments.");
        }

        if (current.Countersignature is { } done)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{done.Verifier} has already {(done.Agrees ? "countersigned" : "disagreed with")} this decision.");
        }

        if (agrees is null)
        {
            throw new RefusedException(RefusalKind.Invalid, "Say whether you agree with the decision.");
        }

        if (string.IsNullOrWhiteSpace(comment) || comment.Length > MaxText)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Give a comment with the countersignature, in at most {MaxText:N0} characters.");
        }

        if (current.Sampled is null)
        {
            yield return new UnitDecisionSampled(outcome.Id, current.Number, "chosen by the verifier", verifier.Actor, now);
        }

        yield return new UnitDecisionCountersigned(outcome.Id, current.Number, agrees.Value, comment.Trim(), verifier.Id, verifier.Actor, now);
    }

    /// <summary>Why the current decision cannot reach the candidate yet, or null when it can.</summary>
    public static string? NotReleasable(UnitOutcome outcome) => outcome.Current switch
    {
        null => "The unit has not been decided yet.",
        { Released: not null } => "This result has already been released.",
        { Disputed: true } => "The internal verifier disagreed with this decision: the assessor decides again before anything is released.",
        { Sampled: not null, Countersignature: null } => "This decision is in the internal verifier's sample: release it once it is countersigned.",
        _ => null,
    };

    public static IEnumerable<object> Release(UnitOutcome outcome, string actor, DateTimeOffset now)
    {
        if (NotReleasable(outcome) is { } why)
        {
            throw new RefusedException(RefusalKind.Conflict, why);
        }

        return [new UnitResultReleased(outcome.Id, outcome.Current!.Number, actor, now)];
    }

    public static IEnumerable<object> ScheduleRelease(UnitOutcome outcome, DateTimeOffset releaseOn, string actor, DateTimeOffset now)
    {
        if (outcome.Current is not { Released: null, Disputed: false } current)
        {
            throw new RefusedException(RefusalKind.Conflict, NotReleasable(outcome) ?? "There is nothing to release.");
        }

        if (releaseOn <= now)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose a release date in the future, or release it now.");
        }

        if (releaseOn > now.AddYears(1))
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose a release date within a year.");
        }

        return [new UnitReleaseScheduled(outcome.Id, current.Number, releaseOn, actor, now)];
    }

    /// <summary>Releases a result whose date has come, once it may be released; nothing otherwise (the job runs again).</summary>
    public static IEnumerable<object> ReleaseIfDue(UnitOutcome outcome, DateTimeOffset now) =>
        outcome.Current is { ReleaseOn: { } on } current && on <= now && NotReleasable(outcome) is null
            ? [new UnitResultReleased(outcome.Id, current.Number, "the centre's release date", now)]
            : [];
}

/// <summary>
/// The centre's sample of unit decisions: every not yet competent, each assessor's first competent decision on the
/// unit, and after that one in five, drawn from the enrolment's id so the draw is the same if made again.
/// </summary>
public static class UnitSamplingRule
{
    public const int OneIn = 5;

    public static string? Reason(UnitDecided decided, int assessorsEarlierCompetent)
    {
        if (decided.Decision == Decisions.NotYetCompetent)
        {
            return "not yet competent";
        }

        if (assessorsEarlierCompetent == 0)
        {
            return $"{decided.Assessor}'s first competent decision on {decided.UnitCode}";
        }

        var draw = System.Security.Cryptography.SHA256.HashData(decided.EnrolmentId.ToByteArray())[0] % OneIn;
        return draw == 0 ? $"one in {OneIn} of {decided.Assessor}'s decisions" : null;
    }
}
