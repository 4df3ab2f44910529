using AssessmentEngine.Web.Features.Identity;

namespace AssessmentEngine.Web.Features.Platform;

/// <summary>The platform operator made someone the awarding body's external verifier of a centre.</summary>
public sealed record ExternalVerifierGranted(Guid UserId, string SignInName, Guid CentreId, string Actor, string SourceAddress, DateTimeOffset GrantedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => GrantedAt;
    public string Describe() => $"{Actor} made {SignInName} the external verifier of the centre";
}

/// <summary>The platform operator withdrew someone's external verification of a centre.</summary>
public sealed record ExternalVerifierWithdrawn(Guid UserId, string SignInName, Guid CentreId, string Actor, string SourceAddress, DateTimeOffset WithdrawnAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => WithdrawnAt;
    public string Describe() => $"{Actor} withdrew {SignInName}'s external verification of the centre";
}
