using AssessmentEngine.Web.Features.ItemBank;

namespace AssessmentEngine.Web.Features.Marking;

public static class MarkingSetup
{
    public static IServiceCollection AddMarking(this IServiceCollection services)
    {
        services.AddScoped<MarkedAttempts>();
        services.AddScoped<Queueing.ResponsesToMark>();
        services.AddScoped<MarkingResponses.MarkResponse>();
        services.AddScoped<Deciding.RecordDecision>();
        services.AddScoped<Verifying.SampleForVerification>();
        services.AddScoped<Verifying.VerifyDecision>();
        services.AddSingleton<IItemStatistics, ItemStatistics>();
        return services;
    }
}
