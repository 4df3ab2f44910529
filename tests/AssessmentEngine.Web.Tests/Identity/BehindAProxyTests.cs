using System.Net;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// The engine behind a load balancer that is not on loopback: the balancer's X-Forwarded-For and X-Forwarded-Proto are
/// believed when it is a configured proxy or on a configured network, so the audit log records each person's own address,
/// cookies are Secure and HSTS is sent when the public address is https, and sign-in attempts are counted per person; the
/// same headers from anyone else are ignored.
/// </summary>
public sealed class BehindAProxyTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string BalancerNetwork = "10.20.0.0/16";
    private const string Balancer = "10.20.0.5";
    private const string NamedProxy = "192.0.2.10";
    private const string Stranger = "203.0.113.9";
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web")
            .WithSetting("ForwardedHeaders:TrustedNetworks", BalancerNetwork)
            .WithSetting("ForwardedHeaders:TrustedProxies", NamedProxy)
            .WithSetting("SignIn:PermitsPerMinute", "3")
            .WithSenderAddresses();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static string Number() => Random.Shared.Next(400000, 499999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Balancer, "198.51.100.7")]
    [InlineData(NamedProxy, "198.51.100.7")]
    // A client's own X-Forwarded-For reaches the engine in front of the address the balancer adds: only the latter counts.
    [InlineData(Balancer, "203.0.113.66, 198.51.100.7")]
    public async Task A_trusted_proxy_gives_the_persons_own_address_and_https(string proxy, string forwardedFor)
    {
        var account = await OfficerAsync();
        using var browser = Senders.From(_engine, proxy, forwardedFor, "https");

        using var page = await browser.Http.GetAsync(new Uri("/signin", UriKind.Relative));
        using var signedIn = await browser.SignInAsStaffAsync(account.SignInName, Centres.Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Contains("secure", Cookie(page, "ae.antiforgery"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", Cookie(signedIn, "ae.session"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("198.51.100.7", await SignedInFromAsync(account));
    }

    [Fact]
    public async Task Forwarded_headers_from_any_other_sender_are_ignored()
    {
        var account = await OfficerAsync();
        using var browser = Senders.From(_engine, Stranger, "198.51.100.7", "https");

        using var page = await browser.Http.GetAsync(new Uri("/signin", UriKind.Relative));
        using var signedIn = await browser.SignInAsStaffAsync(account.SignInName, Centres.Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.False(page.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");
        Assert.DoesNotContain("secure", Cookie(signedIn, "ae.session"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Stranger, await SignedInFromAsync(account));
    }

    [Fact]
    public async Task Sign_in_attempts_are_counted_per_person_behind_the_proxy()
    {
        using var first = Senders.From(_engine, Balancer, "198.51.100.21", "https");
        using var second = Senders.From(_engine, Balancer, "198.51.100.22", "https");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var attempt = await first.SignInAsStaffAsync("nobody@example.org", "not the password");
            statuses.Add(attempt.StatusCode);
        }

        using var other = await second.SignInAsStaffAsync("nobody@example.org", "not the password");

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode); // refused for its password, not for the first person's attempts
    }

    [Theory]
    [InlineData(TrustedProxies.NetworksKey, "10.20.0.0/99")]
    [InlineData(TrustedProxies.ProxiesKey, "balancer.internal")]
    public void A_mistyped_trusted_proxy_stops_the_engine_at_start_up(string key, string value)
    {
        using var engine = new EngineFactory(database.ConnectionString, roles: "web").WithSetting(key, value);
        var failure = Assert.ThrowsAny<Exception>(() => engine.Services);
        Assert.Contains($"{key}: '{value}'", failure.ToString(), StringComparison.Ordinal);
    }

    private async Task<UserAccount> OfficerAsync()
    {
        var centre = await Centres.CentreAsync(_store, Number());
        return await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
    }

    private async Task<string> SignedInFromAsync(UserAccount account)
    {
        await using var query = _store.QuerySession();
        return (await query.Query<AuditEntry>().SingleAsync(e => e.SubjectId == account.Id && e.Action == nameof(SignedIn))).SourceAddress;
    }

    private static string Cookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
}
