namespace AssessmentEngine.Web.Features.Sittings;

// One stream per sitting: an invigilated occasion of a unit's test at a centre.

public sealed record SittingScheduled(
    Guid SittingId, Guid CentreId, string UnitCode, string TestId, string Room, DateTimeOffset StartsAt, int DurationMinutes,
    IReadOnlyList<Guid> InvigilatorIds, string Actor, DateTimeOffset ScheduledAt);

public sealed record CandidateBooked(Guid SittingId, Guid CandidateId, Guid EnrolmentId, int ExtraTimePercent, string Actor, DateTimeOffset BookedAt);

/// <summary>The code candidates type to check in, shown by the invigilator in the room.</summary>
public sealed record AccessCodeIssued(Guid SittingId, string Code, string Actor, DateTimeOffset IssuedAt);

/// <summary>A message from an invigilator to some candidates, or to the whole room when <paramref name="CandidateIds"/> is empty.</summary>
public sealed record MessageSent(Guid SittingId, IReadOnlyList<Guid> CandidateIds, string Text, string Actor, DateTimeOffset SentAt);

/// <summary>An incident in the room, with the playbook's code, about some candidates or the whole room (none named).</summary>
public sealed record IncidentLogged(Guid SittingId, string Code, string Title, string? Note, IReadOnlyList<Guid> CandidateIds, string Actor, DateTimeOffset LoggedAt);

/// <summary>The invigilator ended the sitting; every attempt still under way was submitted with it.</summary>
public sealed record SittingEnded(Guid SittingId, string Actor, DateTimeOffset EndedAt);
