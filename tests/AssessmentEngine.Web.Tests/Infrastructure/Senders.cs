using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// Requests that reach the engine from a chosen network address, as from a load balancer or from a person's own computer.
/// The in-process test server has no connections of its own, so a step before the engine's pipeline takes the sender's
/// address from a header only these tests send.
/// </summary>
public static class Senders
{
    private const string Header = "X-Test-Sender";

    /// <summary>The engine believes the sender address <see cref="From"/> gives it (and nothing else: the header is removed).</summary>
    public static EngineFactory WithSenderAddresses(this EngineFactory engine) =>
        engine.WithServices(services => services.AddTransient<IStartupFilter, SenderAddressFilter>());

    /// <summary>
    /// A browser-like client whose requests come from <paramref name="sender"/> with the forwarded headers given (a proxy's
    /// X-Forwarded-For and X-Forwarded-Proto, or a client's attempt to claim them). It keeps cookies whatever their Secure
    /// flag says, as the browser behind an HTTPS proxy does.
    /// </summary>
    public static PageClient From(EngineFactory engine, string sender, string? forwardedFor = null, string? forwardedProto = null) =>
        new(engine.CreateDefaultClient(new SenderHandler(sender, forwardedFor, forwardedProto)));

    private sealed class SenderAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextStep) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var sender) && IPAddress.TryParse(sender.ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                    context.Request.Headers.Remove(Header);
                }

                await nextStep(context);
            });
            next(app);
        };
    }

    private sealed class SenderHandler(string sender, string? forwardedFor, string? forwardedProto) : DelegatingHandler
    {
        private readonly Dictionary<string, string> _cookies = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(Header, sender);
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            if (forwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }

            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await base.SendAsync(request, cancellationToken);
            foreach (var setCookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = setCookie.Split(';', 2)[0].Split('=', 2);
                if (pair.Length == 2 && pair[1].Length > 0)
                {
                    _cookies[pair[0]] = pair[1];
                }
                else
                {
                    _cookies.Remove(pair[0]);
                }
            }

            return response;
        }
    }
}
