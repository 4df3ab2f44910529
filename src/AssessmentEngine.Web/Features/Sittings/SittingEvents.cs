namespace AssessmentEngine.Web.Features.Sittings;

// One stream per sitting: an invigilated occasion of a unit's test at a centre.

public sealed record SittingScheduled(
    Guid SittingId, Guid CentreId, string UnitCode, string TestId, string Room, DateTimeOffset StartsAt, int DurationMinutes,
    IReadOnlyList<Guid> InvigilatorIds, string Actor, DateTimeOffset ScheduledAt);

public sealed record CandidateBooked(Guid SittingId, Guid CandidateId, Guid EnrolmentId, int ExtraTimePercent, string Actor, DateTimeOffset BookedAt);
