using AssessmentEngine.Web.Features.ItemBank;

namespace AssessmentEngine.Web.Features.Marking;

public static class MarkingSetup
{
    public static IServiceCollection AddMarking(this IServiceCollection services)
    {
        services.AddScoped<Assessing>();
        services.AddSingleton<IItemStatistics, ItemStatistics>();
        return services;
    }
}
