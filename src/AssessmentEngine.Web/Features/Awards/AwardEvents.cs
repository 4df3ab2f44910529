namespace AssessmentEngine.Web.Features.Awards;

// Written to the registration's stream (a candidate on a qualification at a centre). Every event says who and when.

/// <summary>The centre registers its candidate for a qualification: from now on their units count toward its award.</summary>
public sealed record QualificationRegistered(Guid RegistrationId, Guid CandidateId, Guid CentreId, string QualificationCode, string Actor, DateTimeOffset RegisteredAt);

/// <summary>
/// The centre claims the qualification for the candidate from the awarding body (certification), the rules of combination
/// being met by <paramref name="Units"/>, the units achieved as they stood.
/// </summary>
public sealed record CertificationClaimed(Guid RegistrationId, Guid CandidateId, Guid CentreId, string QualificationCode, IReadOnlyList<string> Units, string Actor,
    DateTimeOffset ClaimedAt);
