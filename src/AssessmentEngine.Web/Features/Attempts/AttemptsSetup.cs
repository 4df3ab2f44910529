using System.Threading.RateLimiting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Starting;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Attempts.Admitting;

namespace AssessmentEngine.Web.Features.Attempts;

public static class AttemptsSetup
{
    /// <summary>Access codes are short: a candidate gets ten tries a minute, so guessing one is hopeless.</summary>
    public const string CheckInRateLimit = "check-in";

    public static IServiceCollection AddAttempts(this IServiceCollection services)
    {
        services.AddScoped<CheckIn>();
        services.AddScoped<AdmitCandidate>();
        services.AddSingleton<ExposureCounts>();
        services.AddScoped<StartAttempt>();
        services.AddScoped<Answering.Answering>();
        services.AddSingleton<CandidateIds>();
        services.AddScoped<SubmitAttempt>();
        services.AddScoped<SubmitAtTimeUpJob>();
        services.AddScoped<Enrolments.IWindowAttempts, WindowAttempts>();
        services.AddRateLimiter(options => options.AddPolicy(CheckInRateLimit, context =>
            HttpMethods.IsGet(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("page")
                : RateLimitPartition.GetFixedWindowLimiter(context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
        return services;
    }
}
