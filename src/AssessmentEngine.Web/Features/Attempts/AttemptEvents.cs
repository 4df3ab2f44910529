using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.Web.Features.Attempts;

// One stream per attempt: a candidate's one occasion of a unit's test in a sitting, from check-in to submission.
// Every event says who and when.

/// <summary>The candidate entered the sitting's access code and waits to be admitted.</summary>
public sealed record CandidateCheckedIn(
    Guid AttemptId, Guid SittingId, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, string TestId, int Occasion,
    string Actor, DateTimeOffset CheckedInAt);

/// <summary>
/// An invigilator admitted the candidate after checking their identity. The form is assembled now, for them alone (not
/// earlier: nobody can see a form in advance); <paramref name="OptionSalt"/> makes the option ids they see their own.
/// </summary>
public sealed record CandidateAdmitted(Guid AttemptId, Form Form, string OptionSalt, bool IdentityChecked, string Actor, DateTimeOffset AdmittedAt);

public sealed record AdmissionRefused(Guid AttemptId, string Reason, string Actor, DateTimeOffset RefusedAt);

/// <summary>
/// The candidate started: the clock runs from here. The form is pinned (exact item revisions, option orders, seed).
/// <paramref name="Allowed"/> is the candidate's whole time (duration with their extra time); the deadline is start +
/// allowed + time spent paused.
/// </summary>
public sealed record AttemptStarted(
    Guid AttemptId, Form Form, int DurationMinutes, int ExtraTimePercent, TimeSpan Allowed, TimeLimit TimeLimit, int PassPercent, string Actor,
    DateTimeOffset StartedAt);

/// <summary>The test page was opened (a load, a reload, another tab or another computer); the newest page is the one that saves.</summary>
public sealed record AttemptOpened(Guid AttemptId, string Page, string Actor, DateTimeOffset OpenedAt);

/// <summary>A candidate's response to an item, in the item's own keys (never the opaque ids the page saw).</summary>
public sealed record Response(string? Choice = null, IReadOnlyList<string>? Choices = null, IReadOnlyDictionary<string, string>? Matches = null, string? Text = null)
{
    public static readonly Response Empty = new();

    public bool IsEmpty => Choice is null && (Choices is null || Choices.Count == 0) && (Matches is null || Matches.Count == 0) && string.IsNullOrWhiteSpace(Text);
}

/// <summary>An answer saved; a later <paramref name="Sequence"/> for the same item supersedes it, whatever order they arrived in.</summary>
public sealed record AnswerSaved(Guid AttemptId, string ItemId, Response Response, long Sequence, DateTimeOffset SavedAt);

public sealed record ItemFlagged(Guid AttemptId, string ItemId, bool Flagged, long Sequence, DateTimeOffset FlaggedAt);

/// <summary>A save the engine would not take (after the deadline, after submission); kept so that a dispute can be settled.</summary>
public sealed record AnswerRefused(Guid AttemptId, string ItemId, long Sequence, string Reason, DateTimeOffset RefusedAt);

/// <summary>
/// The attempt was handed in: by the candidate, or by the engine (<see cref="SubmissionReasons"/> says why).
/// <paramref name="ResponsesHash"/> is the short hash of the final responses printed on the candidate's receipt.
/// </summary>
public sealed record AttemptSubmitted(Guid AttemptId, string Reason, string ResponsesHash, string Actor, DateTimeOffset SubmittedAt);

/// <summary>An objective item marked by the engine at submission.</summary>
public sealed record ItemAutoMarked(Guid AttemptId, string ItemId, decimal Marks, int MarksAvailable, DateTimeOffset MarkedAt);

/// <summary>
/// What the engine can say at submission: the objective marks, the marks still with an assessor, and whether the pass
/// mark is met on the objective marks alone. Provisional: the assessor decides.
/// </summary>
public sealed record ProvisionalResultRecorded(
    Guid AttemptId, decimal AutoMarks, int AutoMarksAvailable, int MarksAwaitingAssessor, int PassPercent, bool MeetsPassMark, DateTimeOffset RecordedAt);

/// <summary>A soft time limit ran out and the candidate carried on: the overrun is logged, not enforced.</summary>
public sealed record TimeOverrunLogged(Guid AttemptId, DateTimeOffset Deadline, DateTimeOffset LoggedAt);

/// <summary>An invigilator stopped the candidate's clock (a rest break, illness, a fire alarm); time paused is added to the deadline.</summary>
public sealed record AttemptPaused(Guid AttemptId, string? Reason, string Actor, DateTimeOffset PausedAt);

public sealed record AttemptResumed(Guid AttemptId, TimeSpan Paused, string Actor, DateTimeOffset ResumedAt);

/// <summary>Time added by an invigilator, with the reason (a technical failure, an agreed adjustment not yet on record).</summary>
public sealed record TimeExtended(Guid AttemptId, int Minutes, string Reason, string Actor, DateTimeOffset ExtendedAt);

/// <summary>The attempt was voided for malpractice; the candidate is told the reason. Nothing more is taken from it.</summary>
public sealed record AttemptVoided(Guid AttemptId, string Reason, string Actor, DateTimeOffset VoidedAt);

/// <summary>An assessor's mark for a response the engine cannot mark (an extended answer); a second marker's mark is kept beside the first.</summary>
public sealed record ItemMarked(
    Guid AttemptId, string ItemId, decimal Marks, int MarksAvailable, string? Comment, Guid MarkerId, string Marker, bool SecondMarking, DateTimeOffset MarkedAt);

/// <summary>The assessor's decision: competent or not yet competent, with the justification. The score informs it; it does not make it.</summary>
public sealed record AssessmentDecisionRecorded(Guid AttemptId, string Decision, string Justification, Guid AssessorId, string Assessor, DateTimeOffset DecidedAt);

/// <summary>The attempt was drawn into the internal verification sample, and why (the centre's rule, or a verifier's choice).</summary>
public sealed record SampledForVerification(Guid AttemptId, string Reason, string Actor, DateTimeOffset SampledAt);

/// <summary>An internal verifier reviewed the marks and the decision and agrees or disagrees, with a comment.</summary>
public sealed record VerificationRecorded(Guid AttemptId, bool Agrees, string Comment, Guid VerifierId, string Verifier, DateTimeOffset VerifiedAt);

/// <summary>The two assessment decisions, as written in <see cref="AssessmentDecisionRecorded.Decision"/>.</summary>
public static class Decisions
{
    public const string Competent = "competent";
    public const string NotYetCompetent = "not-yet-competent";
}

/// <summary>Why an attempt was submitted, as written in <see cref="AttemptSubmitted.Reason"/>.</summary>
public static class SubmissionReasons
{
    public const string Candidate = "candidate";
    public const string TimeUp = "time-up";
    public const string WindowClosed = "window-closed";
    public const string SittingEnded = "sitting-ended";
}

/// <summary>The actor the engine writes when it acts by itself (a job, not a person).</summary>
public static class EngineActor
{
    public const string Name = "engine";
}
