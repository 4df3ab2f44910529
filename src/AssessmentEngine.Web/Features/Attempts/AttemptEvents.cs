using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.Web.Features.Attempts;

// One stream per attempt: a candidate's one occasion of a unit's test in a sitting. Every event says who and when.

/// <summary>
/// The attempt began: the form pins the exact item revisions, option orders and seed. <paramref name="Allowed"/> is the
/// candidate's whole time (duration with their extra time); the deadline is start + allowed + time spent paused.
/// </summary>
public sealed record AttemptStarted(
    Guid AttemptId, Guid SittingId, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, int Occasion,
    Form Form, int DurationMinutes, int ExtraTimePercent, TimeSpan Allowed, TimeLimit TimeLimit, string Actor, DateTimeOffset StartedAt);

/// <summary>The attempt was handed in: by the candidate, or by the engine (<see cref="SubmissionReasons"/> says why).</summary>
public sealed record AttemptSubmitted(Guid AttemptId, string Reason, string Actor, DateTimeOffset SubmittedAt);

/// <summary>A soft time limit ran out and the candidate carried on: the overrun is logged, not enforced.</summary>
public sealed record TimeOverrunLogged(Guid AttemptId, DateTimeOffset Deadline, DateTimeOffset LoggedAt);

/// <summary>Why an attempt was submitted, as written in <see cref="AttemptSubmitted.Reason"/>.</summary>
public static class SubmissionReasons
{
    public const string Candidate = "candidate";
    public const string TimeUp = "time-up";
    public const string WindowClosed = "window-closed";
}

/// <summary>The actor the engine writes when it acts by itself (a job, not a person).</summary>
public static class EngineActor
{
    public const string Name = "engine";
}
