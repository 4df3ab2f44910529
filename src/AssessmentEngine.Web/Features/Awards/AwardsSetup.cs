using AssessmentEngine.Web.Features.Awards.Claiming;
using AssessmentEngine.Web.Features.Awards.Registering;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Awards;

public sealed class QualificationRegistrationProjection : SingleStreamProjection<QualificationRegistration, Guid>
{
    public static QualificationRegistration Create(QualificationRegistered registered) => QualificationRegistration.Create(registered);

    public static QualificationRegistration Apply(CertificationClaimed claimed, QualificationRegistration registration) => registration.Apply(claimed);
}

public static class AwardsSetup
{
    public static StoreOptions ConfigureAwards(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(QualificationRegistered), typeof(CertificationClaimed)]);
        options.Projections.Add<QualificationRegistrationProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<QualificationRegistration>().Index(r => r.CentreId).Index(r => r.CandidateId);
        return options;
    }

    public static IServiceCollection AddAwards(this IServiceCollection services)
    {
        services.AddScoped<RegisterCandidates>();
        services.AddScoped<ClaimCertification>();
        return services;
    }
}
