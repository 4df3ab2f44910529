using JasperFx.Events.Projections;
using Marten;

namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>External verification's events, its report document and its use cases.</summary>
public static class ExternalVerificationSetup
{
    public static StoreOptions ConfigureExternalVerification(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(ExternalVerificationOpened), typeof(ExternalSampleRecorded), typeof(ExternalVerificationReportIssued)]);
        options.Projections.Add<ExternalReportProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ExternalReport>().Index(v => v.CentreId);
        return options;
    }

    public static IServiceCollection AddExternalVerification(this IServiceCollection services)
    {
        services.AddScoped<Sampling.SampleableDecisions>();
        services.AddScoped<Recording.RecordExternalSample>();
        services.AddScoped<Issuing.IssueExternalReport>();
        return services;
    }
}
