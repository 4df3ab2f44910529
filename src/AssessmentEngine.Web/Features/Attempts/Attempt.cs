using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.Web.Features.Attempts;

public enum AttemptStatus { InProgress, Submitted }

/// <summary>An attempt as its events leave it: whose, which form, the clock, and whether it is still under way.</summary>
public sealed record Attempt(
    Guid Id, Guid SittingId, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, int Occasion, Form Form,
    DateTimeOffset StartedAt, TimeSpan Allowed, TimeLimit TimeLimit, AttemptStatus Status, DateTimeOffset Deadline,
    DateTimeOffset? SubmittedAt = null, string? SubmissionReason = null, bool OverrunLogged = false)
{
    public static Attempt Create(AttemptStarted started) =>
        new(started.AttemptId, started.SittingId, started.EnrolmentId, started.CandidateId, started.CentreId, started.UnitCode,
            started.Occasion, started.Form, started.StartedAt, started.Allowed, started.TimeLimit, AttemptStatus.InProgress,
            started.StartedAt + started.Allowed);

    public Attempt Apply(AttemptSubmitted submitted) =>
        this with { Status = AttemptStatus.Submitted, SubmittedAt = submitted.SubmittedAt, SubmissionReason = submitted.Reason };

    public Attempt Apply(TimeOverrunLogged logged) => this with { OverrunLogged = true };

    public bool InProgress => Status == AttemptStatus.InProgress;
}

/// <summary>A refusal a person can act on; nothing was written.</summary>
public sealed class AttemptRefusedException(string message) : Exception(message);

/// <summary>The decisions on an attempt: pure functions from its state, a command and the time to the events that follow.</summary>
public static class AttemptDecisions
{
    /// <summary>
    /// Hands the attempt in. Submitting one already submitted changes nothing, whoever asks, so the candidate, the
    /// time-up job and the window's close can all try at once and the attempt is submitted once.
    /// </summary>
    public static IEnumerable<object> Submit(Attempt attempt, string reason, string actor, DateTimeOffset now)
    {
        if (attempt.InProgress)
        {
            yield return new AttemptSubmitted(attempt.Id, reason, actor, now);
        }
    }

    /// <summary>
    /// At the deadline: a hard limit submits the attempt; a soft one logs the overrun once and lets the candidate finish.
    /// Nothing before the deadline (it may have moved since the job was scheduled) or once submitted.
    /// </summary>
    public static IEnumerable<object> TimeUp(Attempt attempt, DateTimeOffset now)
    {
        if (!attempt.InProgress || now < attempt.Deadline)
        {
            yield break;
        }

        if (attempt.TimeLimit == TimeLimit.Hard)
        {
            yield return new AttemptSubmitted(attempt.Id, SubmissionReasons.TimeUp, EngineActor.Name, now);
        }
        else if (!attempt.OverrunLogged)
        {
            yield return new TimeOverrunLogged(attempt.Id, attempt.Deadline, now);
        }
    }
}
