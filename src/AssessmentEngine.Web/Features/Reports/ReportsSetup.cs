using AssessmentEngine.Web.Features.Reports.Loading;

namespace AssessmentEngine.Web.Features.Reports;

public static class ReportsSetup
{
    // Reports only read: the documents they query are indexed on CentreId by the features that own them.
    public static IServiceCollection AddReports(this IServiceCollection services) => services.AddScoped<LoadCentreReport>();
}
