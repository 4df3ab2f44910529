using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AssessmentEngine.Web.Infrastructure;

/// <summary>
/// Whose X-Forwarded-For and X-Forwarded-Proto the engine believes: loopback, and the load balancers named by address
/// (<c>ForwardedHeaders:TrustedProxies</c>) or by network (<c>ForwardedHeaders:TrustedNetworks</c>). Behind one of them the
/// client's own address is what the audit log records and sign-in attempts are counted by, and an https public address
/// makes cookies Secure and sends HSTS. Anyone else's forwarded headers are ignored, so nobody picks their own address.
/// </summary>
public static class TrustedProxies
{
    public const string ProxiesKey = "ForwardedHeaders:TrustedProxies";
    public const string NetworksKey = "ForwardedHeaders:TrustedNetworks";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        // Read now, so that a mistyped address stops the engine at start-up instead of leaving it behind a proxy it ignores.
        var proxies = Entries(configuration, ProxiesKey).Select(entry => IPAddress.TryParse(entry, out var address)
            ? address
            : throw new InvalidOperationException($"{ProxiesKey}: '{entry}' is not an IP address (such as 10.0.0.5).")).ToList();
        var networks = Entries(configuration, NetworksKey).Select(entry => System.Net.IPNetwork.TryParse(entry, out var network)
            ? network
            : throw new InvalidOperationException($"{NetworksKey}: '{entry}' is not a network (such as 10.0.0.0/24).")).ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Follow the chain of trusted proxies back to the first address that is none of them: the client. An address the
            // client wrote into X-Forwarded-For itself sits beyond that one and is never reached.
            options.ForwardLimit = null;
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>A list as one value ("10.0.0.5, 10.0.0.6", as an environment variable gives it) or as an array of values.</summary>
    private static IEnumerable<string> Entries(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        return (section.Value is { } single ? [single] : section.GetChildren().Select(child => child.Value ?? ""))
            .SelectMany(value => value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
