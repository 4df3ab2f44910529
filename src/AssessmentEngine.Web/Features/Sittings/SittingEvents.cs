namespace AssessmentEngine.Web.Features.Sittings;

// One stream per sitting: an invigilated occasion of a unit's test at a centre.

public sealed record SittingScheduled(
    Guid SittingId, Guid CentreId, string UnitCode, string TestId, string Room, DateTimeOffset StartsAt, int DurationMinutes,
    IReadOnlyList<Guid> InvigilatorIds, string Actor, DateTimeOffset ScheduledAt);

public sealed record CandidateBooked(Guid SittingId, Guid CandidateId, Guid EnrolmentId, int ExtraTimePercent, string Actor, DateTimeOffset BookedAt);

/// <summary>The code candidates type to check in, shown by the invigilator in the room.</summary>
public sealed record AccessCodeIssued(Guid SittingId, string Code, string Actor, DateTimeOffset IssuedAt);
