namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>Moderation's services: the export files, its two use cases and the job that writes the workbooks.</summary>
public static class ModerationSetup
{
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        services.AddSingleton<ExportFiles>();
        services.AddScoped<Requesting.RequestExport>();
        services.AddScoped<Listing.CentreExports>();
        services.AddScoped<ExportMarksJob>();
        return services;
    }
}
