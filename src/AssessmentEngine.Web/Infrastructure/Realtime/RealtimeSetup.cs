using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace AssessmentEngine.Web.Infrastructure.Realtime;

/// <summary>SignalR for the live traffic; with ConnectionStrings:Redis the Redis backplane joins several web nodes.</summary>
public static class RealtimeSetup
{
    public const string RedisConnectionStringName = "Redis";

    public static IServiceCollection AddRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR(options =>
        {
            // Hub calls carry answers and commands, never files: keep messages small.
            options.MaximumReceiveMessageSize = 64 * 1024;
            options.EnableDetailedErrors = false;
            options.AddFilter<AssessmentEngine.Web.Features.Invigilation.HubThrottle>();
            options.AddFilter<AssessmentEngine.Web.Features.Identity.CurrentAccessHubFilter>();
            options.AddFilter<RefusalsAsHubErrors>();
        });

        var redis = configuration.GetConnectionString(RedisConnectionStringName);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            // The backplane does not buffer: only the invigilators' view travels through it, never a candidate's answer.
            signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("assessment-engine"));
        }

        return services;
    }
}
