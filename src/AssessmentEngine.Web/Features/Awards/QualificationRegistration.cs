using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Features.Awards;

/// <summary>A candidate registered for a qualification at their centre, and whether the centre has claimed its certificate.</summary>
public sealed record QualificationRegistration(Guid Id, Guid CandidateId, Guid CentreId, string QualificationCode, DateTimeOffset RegisteredAt,
    CertificationClaimed? Claim = null)
{
    public bool Claimed => Claim is not null;

    /// <summary>One registration per candidate and qualification: a second registration collides with the first.</summary>
    public static Guid IdFor(Guid candidateId, string qualificationCode) => NameBasedId.For($"assessment-engine/registration/{candidateId:N}/{qualificationCode}");

    public static QualificationRegistration Create(QualificationRegistered registered) =>
        new(registered.RegistrationId, registered.CandidateId, registered.CentreId, registered.QualificationCode, registered.RegisteredAt);

    public QualificationRegistration Apply(CertificationClaimed claimed) => this with { Claim = claimed };
}
