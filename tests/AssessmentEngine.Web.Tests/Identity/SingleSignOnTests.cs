using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// Single sign-on trusts a centre's own identity providers only: an id token is taken when its issuer (and tenant, for a
/// provider that serves many organisations) is one the person's centre names, its email is verified, and the account is
/// not locked; the first sign-in links the provider's subject to the account, and a different subject later is refused.
/// </summary>
public sealed class SingleSignOnTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string CollegeIssuer = "https://login.example-idp.test/college-tenant/v2.0";
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<UserAccount> OfficerAtACentreTrustingTheCollegeAsync()
    {
        var number = Random.Shared.Next(300000, 399999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var centre = await Centres.CentreAsync(_store, number);
        await using (var session = _store.LightweightSession())
        {
            session.Store(centre with { TrustedProviders = [new TrustedProvider(CollegeIssuer, "college-tenant")] });
            await session.SaveChangesAsync();
        }

        return await Centres.StaffAsync(_store, centre, $"officer{number}@college.example.org", Role.Admin);
    }

    /// <summary>What the centre's identity provider asserts, as the OpenID Connect handler hands it over once the token is valid.</summary>
    private async Task<TokenValidatedContext> SignInWithAsync(string email, string issuer = CollegeIssuer, string tenant = "college-tenant", bool verified = true, string subject = "subject-1")
    {
        var token = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("iss", issuer), new Claim("tid", tenant), new Claim("sub", subject), new Claim("email", email),
            new Claim("email_verified", verified ? "true" : "false", ClaimValueTypes.Boolean),
        ], "oidc"));
        var scope = _engine.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var context = new TokenValidatedContext(http, new AuthenticationScheme("oidc", null, typeof(OpenIdConnectHandler)), new OpenIdConnectOptions(), token, new AuthenticationProperties());
        await OidcSignIn.MapToAccountAsync(context);
        return context;
    }

    private static bool Refused(TokenValidatedContext context) => context.Result?.Failure is not null;

    private async Task<IReadOnlyList<string>> AuditedAsync(Guid userId)
    {
        await using var query = _store.QuerySession();
        return await query.Query<AuditEntry>().Where(e => e.SubjectId == userId).OrderBy(e => e.At).Select(e => e.Action).ToListAsync();
    }

    [Fact]
    public async Task An_exam_officer_names_the_provider_their_centre_trusts_and_the_change_is_audited()
    {
        var number = Random.Shared.Next(300000, 399999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var centre = await Centres.CentreAsync(_store, number);
        var other = await Centres.CentreAsync(_store, number + "X");
        await Centres.StaffAsync(_store, centre, $"officer{number}@college.example.org", Role.Admin);
        await Centres.StaffAsync(_store, other, $"officer{number}x@other.example.org", Role.Admin);
        using var officer = new PageClient(_engine.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using var stranger = new PageClient(_engine.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        (await officer.SignInAsStaffAsync($"officer{number}@college.example.org", Centres.Password)).Dispose();
        (await stranger.SignInAsStaffAsync($"officer{number}x@other.example.org", Centres.Password)).Dispose();

        using (var bad = await officer.PostFormAsync("/admin", "/admin?handler=SingleSignOn", [new("centreId", centre.Id.ToString()), new("issuer", "http://not-https.example.org")]))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var theirs = await stranger.PostFormAsync("/admin", "/admin?handler=SingleSignOn", [new("centreId", centre.Id.ToString()), new("issuer", "https://evil.example.org")]))
        {
            Assert.Equal(System.Net.HttpStatusCode.Redirect, theirs.StatusCode); // to the "not allowed" page
            Assert.Contains("/denied", theirs.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using (var saved = await officer.PostFormAsync("/admin", "/admin?handler=SingleSignOn", [new("centreId", centre.Id.ToString()), new("issuer", CollegeIssuer), new("tenant", "college-tenant")]))
        {
            Assert.Equal(System.Net.HttpStatusCode.Redirect, saved.StatusCode);
        }

        await using var query = _store.QuerySession();
        var stored = (await query.LoadAsync<Centre>(centre.Id))!;
        Assert.True(stored.Trusts(CollegeIssuer, "college-tenant"));
        Assert.False(stored.Trusts("https://evil.example.org", null));
        var entry = await query.Query<AuditEntry>().SingleAsync(e => e.SubjectId == centre.Id && e.Action == nameof(CentreSettingChanged));
        Assert.Contains(CollegeIssuer, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_an_issuer_the_centre_does_not_trust_is_refused()
    {
        var officer = await OfficerAtACentreTrustingTheCollegeAsync();

        var context = await SignInWithAsync(officer.SignInName, issuer: "https://login.example-idp.test/someone-elses-tenant/v2.0", tenant: "someone-elses-tenant");

        Assert.True(Refused(context), "an untrusted issuer was accepted");
        Assert.DoesNotContain(nameof(SignedIn), await AuditedAsync(officer.Id));
    }

    [Fact]
    public async Task A_trusted_issuer_for_another_tenant_is_refused()
    {
        var officer = await OfficerAtACentreTrustingTheCollegeAsync();

        var context = await SignInWithAsync(officer.SignInName, tenant: "someone-elses-tenant");

        Assert.True(Refused(context), "another tenant of a trusted provider was accepted");
    }

    [Fact]
    public async Task A_token_whose_email_is_not_verified_is_refused()
    {
        var officer = await OfficerAtACentreTrustingTheCollegeAsync();

        var context = await SignInWithAsync(officer.SignInName, verified: false);

        Assert.True(Refused(context), "an unverified email was accepted");
    }

    [Fact]
    public async Task A_locked_account_is_refused_through_single_sign_on_too()
    {
        var officer = await OfficerAtACentreTrustingTheCollegeAsync();
        await using (var session = _store.LightweightSession())
        {
            session.Store(officer with { LockedUntil = DateTimeOffset.UtcNow.AddMinutes(10) });
            await session.SaveChangesAsync();
        }

        Assert.True(Refused(await SignInWithAsync(officer.SignInName)), "a locked account was signed in");
    }

    [Fact]
    public async Task The_first_sign_in_links_the_providers_subject_and_another_subject_with_the_same_email_is_refused()
    {
        var officer = await OfficerAtACentreTrustingTheCollegeAsync();

        var first = await SignInWithAsync(officer.SignInName, subject: "college-person-17");
        var again = await SignInWithAsync(officer.SignInName, subject: "college-person-17");
        var someoneElse = await SignInWithAsync(officer.SignInName, subject: "college-person-99");

        Assert.False(Refused(first));
        Assert.Equal(officer.Id.ToString(), first.Principal?.FindFirstValue(EngineClaims.UserId));
        Assert.False(Refused(again));
        Assert.True(Refused(someoneElse), "a second subject asserting the same email was accepted");
        var audited = await AuditedAsync(officer.Id);
        Assert.Single(audited, a => a == nameof(SingleSignOnLinked));
        Assert.Equal(2, audited.Count(a => a == nameof(SignedIn)));
    }
}
