using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Marking;

/// <summary>Who marks, decides or verifies: their account and their sign-in name for the record.</summary>
public sealed record Staff(Guid Id, string Actor);

/// <summary>Decisions on a submitted attempt after the test: marks, the assessment decision, sampling and verification.</summary>
public static class MarkingDecisions
{
    /// <summary>
    /// An assessor marks a response the engine could not. The first assessor may correct their own mark until the decision
    /// is recorded; a different assessor's mark is a second marking, kept beside the first.
    /// </summary>
    public static IEnumerable<object> Mark(Attempt attempt, Item item, decimal marks, string? comment, Staff marker, DateTimeOffset now)
    {
        if (attempt.Status != AttemptStatus.Submitted)
        {
            throw new RefusedException(RefusalKind.Conflict, attempt.Status == AttemptStatus.Voided ? "This attempt was voided; it is not marked." : "Only a submitted attempt is marked.");
        }

        if (item.Type != ItemType.Extended)
        {
            throw new RefusedException(RefusalKind.Invalid, "This question was marked by the engine at submission.");
        }

        if (marks < 0 || marks > item.Marks || decimal.Round(marks * 2) != marks * 2)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Give a mark from 0 to {item.Marks}, in whole or half marks.");
        }

        if (attempt.Decision is not null)
        {
            throw new RefusedException(RefusalKind.Conflict, "The assessment decision is recorded; the marks behind it can no longer change.");
        }

        var first = attempt.AssessorMarks.GetValueOrDefault(item.Id);
        var second = first is not null && first.MarkerId != marker.Id;
        yield return new ItemMarked(attempt.Id, item.Id, marks, item.Marks, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), marker.Id, marker.Actor, second, now);
    }

    /// <summary>The assessor's decision, once every response has a mark; it is theirs, with a justification, and recorded once.</summary>
    public static IEnumerable<object> Decide(Attempt attempt, AttemptResult result, string? decision, string? justification, Staff assessor, DateTimeOffset now)
    {
        if (attempt.Status != AttemptStatus.Submitted)
        {
            throw new RefusedException(RefusalKind.Conflict, "Only a submitted attempt has an assessment decision.");
        }

        if (attempt.Decision is { } recorded)
        {
            throw new RefusedException(RefusalKind.Conflict, $"The decision ({recorded.Decision}) was recorded by {recorded.Assessor}; arrange a reassessment instead of changing it.");
        }

        if (result.AwaitingMarks > 0)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{result.AwaitingMarks} response(s) still need a mark before the decision.");
        }

        if (decision is not (Decisions.Competent or Decisions.NotYetCompetent))
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose competent or not yet competent.");
        }

        if (string.IsNullOrWhiteSpace(justification))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the justification for the decision.");
        }

        yield return new AssessmentDecisionRecorded(attempt.Id, decision, justification.Trim(), assessor.Id, assessor.Actor, now);
    }

    public static IEnumerable<object> Sample(Attempt attempt, string reason, string actor, DateTimeOffset now)
    {
        if (attempt.Decision is null)
        {
            throw new RefusedException(RefusalKind.Conflict, "Only an attempt with a recorded decision can be sampled for verification.");
        }

        return attempt.Sampled is null ? [new SampledForVerification(attempt.Id, reason, actor, now)] : [];
    }

    /// <summary>A verifier agrees or disagrees with the marks and the decision; nobody verifies what they marked or decided.</summary>
    public static IEnumerable<object> Verify(Attempt attempt, bool agrees, string? comment, Staff verifier, DateTimeOffset now)
    {
        if (attempt.MarkedOrDecidedBy.Contains(verifier.Id))
        {
            throw new RefusedException(RefusalKind.Forbidden, "You marked or decided this attempt: staff must never internally verify their own assessments.");
        }

        if (attempt.Decision is null)
        {
            throw new RefusedException(RefusalKind.Conflict, "There is no decision to verify yet.");
        }

        if (attempt.Verification is { } done)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{done.Verifier} has already verified this attempt.");
        }

        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give a comment with the verification.");
        }

        if (attempt.Sampled is null)
        {
            yield return new SampledForVerification(attempt.Id, "chosen by the verifier", verifier.Actor, now);
        }

        yield return new VerificationRecorded(attempt.Id, agrees, comment.Trim(), verifier.Id, verifier.Actor, now);
    }
}
