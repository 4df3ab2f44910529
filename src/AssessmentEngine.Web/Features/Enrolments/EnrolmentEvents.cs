namespace AssessmentEngine.Web.Features.Enrolments;

// One stream per enrolment (a candidate on a unit at a centre). Every event says who and when.

public sealed record CandidateEnrolled(Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, int? WindowWeeks, string Actor, DateTimeOffset EnrolledAt);

/// <summary>The start date agreed between assessor and candidate; the window opens then and closes at the end of its last calendar day.</summary>
public sealed record WindowAgreed(Guid EnrolmentId, DateOnly StartDate, DateTimeOffset Opens, DateTimeOffset Closes, string AgreedWith, string Actor, DateTimeOffset AgreedAt);

public sealed record WindowExtended(Guid EnrolmentId, DateTimeOffset PreviousClose, DateTimeOffset NewClose, string Reason, string Approver, DateTimeOffset ExtendedAt);

public sealed record WindowClosed(Guid EnrolmentId, DateTimeOffset Closes, DateTimeOffset ClosedAt);

public sealed record ReassessmentArranged(Guid EnrolmentId, int Occasion, string Reason, string Actor, DateTimeOffset ArrangedAt);
