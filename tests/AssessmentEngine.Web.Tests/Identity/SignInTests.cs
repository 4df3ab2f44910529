using System.Net;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Identity;

public sealed partial class SignInTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private PageClient Browser() => new(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    private static string Number() => Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_member_of_staff_signs_in_and_is_sent_to_their_role_home()
    {
        var centre = await Centres.CentreAsync(_store, Number());
        await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        using var browser = Browser();

        using var response = await browser.SignInAsStaffAsync($"Officer{centre.Number}@Example.org ", Centres.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var home = await browser.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("/admin", home.Headers.Location?.OriginalString);
        var admin = await browser.GetPageAsync("/admin");
        Assert.Contains(centre.Name, admin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_whether_the_account_exists()
    {
        var centre = await Centres.CentreAsync(_store, Number());
        await Centres.StaffAsync(_store, centre, $"tutor{centre.Number}@example.org", Role.Tutor);
        using var browser = Browser();

        using var wrong = await browser.SignInAsStaffAsync($"tutor{centre.Number}@example.org", "not the password");
        using var nobody = await browser.SignInAsStaffAsync($"nobody{centre.Number}@example.org", "not the password");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        var wrongText = await wrong.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(SignInService.NotRecognised), wrongText, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(SignInService.NotRecognised), await nobody.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", wrongText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_from_one_address_never_keep_the_person_out_from_another_nor_end_their_session()
    {
        var service = _engine.Services.CreateScope().ServiceProvider.GetRequiredService<SignInService>();
        var centre = await Centres.CentreAsync(_store, Number());
        var candidate = await Centres.CandidateAsync(_store, centre, "LOCK01");
        using var sitting = Browser(); // the candidate, signed in in the exam room before anyone tries
        using (var signedIn = await sitting.SignInAsCandidateAsync(centre.Number, candidate.CandidateNumber, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // Candidate numbers are predictable: someone elsewhere tries wrong passwords, 150 times (within an address's limit).
        var signInName = SignInNames.ForCandidate(centre.Number, candidate.CandidateNumber);
        for (var i = 0; i < 150; i++)
        {
            Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync(signInName, "guess " + i, "198.51.100.9"));
        }

        // They are slowed down, even with the right password, and told the same whether or not the account exists.
        var slowed = Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync(signInName, Centres.Password, "198.51.100.9"));
        Assert.Contains("try again", slowed.Message, StringComparison.Ordinal);
        for (var i = 0; i < 150; i++)
        {
            await service.WithPasswordAsync($"{centre.Number}/NOBODY", "guess " + i, "198.51.100.9");
        }

        var nobody = Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync($"{centre.Number}/NOBODY", "guess", "198.51.100.9"));
        Assert.Equal(Wait().Replace(slowed.Message, "N"), Wait().Replace(nobody.Message, "N"));

        // The candidate, in the room, signs in and their open session goes on.
        Assert.IsType<SignInOutcome.Succeeded>(await service.WithPasswordAsync(signInName, Centres.Password, "192.0.2.50"));
        using var home = await sitting.Http.GetAsync(new Uri("/candidate", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Failures_slow_their_address_down_more_each_time_and_every_attempt_is_audited()
    {
        // The engine's clock stands still here: the first wait is 2 seconds, and a busy machine can take longer than
        // that between two calls (a full run failed so, the fourth try arriving after the wait had passed).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var service = new SignInService(_store, clock, _engine.Services.CreateScope().ServiceProvider.GetRequiredService<CurrentAccounts>());
        var centre = await Centres.CentreAsync(_store, Number());
        var account = await Centres.StaffAsync(_store, centre, $"assessor{centre.Number}@example.org", Role.Assessor);

        for (var i = 0; i < SignInService.FreeFailures; i++)
        {
            var wrong = Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync(account.SignInName, "wrong password", "192.0.2.7"));
            Assert.Equal(SignInService.NotRecognised, wrong.Message);
        }

        clock.Advance(TimeSpan.FromSeconds(1.9));
        var refused = Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync(account.SignInName, Centres.Password, "192.0.2.7"));
        Assert.Contains("try again", refused.Message, StringComparison.Ordinal);

        await using var query = _store.QuerySession();
        var entries = await query.Query<AuditEntry>().Where(e => e.SubjectId == account.Id).OrderBy(e => e.At).ToListAsync();
        Assert.Equal(SignInService.FreeFailures + 1, entries.Count(e => e.Action == nameof(SignInFailed)));
        Assert.Null((await query.LoadAsync<UserAccount>(account.Id))!.LockedUntil);
        Assert.All(entries, e => Assert.Equal("192.0.2.7", e.SourceAddress));
        Assert.All(entries, e => Assert.Contains(centre.Id, e.CentreIds));
    }

    [Fact]
    public async Task An_admin_reset_code_unlocks_the_account_sets_a_new_password_and_works_only_once()
    {
        using var scope = _engine.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<SignInService>();
        var registry = scope.ServiceProvider.GetRequiredService<CentreRegistry>();
        var centre = await Centres.CentreAsync(_store, Number());
        var admin = await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        var tutor = await Centres.StaffAsync(_store, centre, $"tutor{centre.Number}@example.org", Role.Tutor);
        for (var i = 0; i < SignInService.FreeFailures; i++)
        {
            await service.WithPasswordAsync(tutor.SignInName, "wrong password", "192.0.2.8");
        }

        var code = await registry.IssueResetCodeAsync(centre.Id, tutor.Id, new Acting(admin.SignInName, "192.0.2.1"));

        Assert.IsType<SignInOutcome.Refused>(await service.ResetPasswordAsync(tutor.SignInName, code, "short", "192.0.2.8"));
        Assert.IsType<SignInOutcome.Succeeded>(await service.ResetPasswordAsync(tutor.SignInName, code.ToLowerInvariant(), "a brand new passphrase", "192.0.2.8"));
        Assert.IsType<SignInOutcome.Refused>(await service.ResetPasswordAsync(tutor.SignInName, code, "another new passphrase", "192.0.2.8"));
        Assert.IsType<SignInOutcome.Succeeded>(await service.WithPasswordAsync(tutor.SignInName, "a brand new passphrase", "192.0.2.8"));
        Assert.IsType<SignInOutcome.Refused>(await service.WithPasswordAsync(tutor.SignInName, Centres.Password, "192.0.2.8"));
    }

    [Fact]
    public async Task A_candidate_signs_in_once_with_a_printed_code_and_lands_on_their_page()
    {
        using var scope = _engine.Services.CreateScope();
        var registry = scope.ServiceProvider.GetRequiredService<CentreRegistry>();
        var centre = await Centres.CentreAsync(_store, Number());
        var candidate = await Centres.CandidateAsync(_store, centre, "SCN0001", new Adjustments(ExtraTimePercent: 25, LargeText: true));
        var issued = await registry.IssueCandidateCodesAsync(centre.Id, [candidate.Id], new Acting("officer", "192.0.2.1"));
        var code = Assert.Single(issued).Code;
        using var browser = Browser();

        using var first = await browser.SignInAsCandidateAsync(centre.Number, "scn0001", code);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var page = await browser.GetPageAsync("/candidate");
        Assert.Contains("SCN0001", page, StringComparison.Ordinal);
        Assert.Contains("25 % extra time", page, StringComparison.Ordinal);
        Assert.Contains("class=\"large-text\"", page, StringComparison.Ordinal);

        using var again = Browser();
        using var second = await again.SignInAsCandidateAsync(centre.Number, "SCN0001", code);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_address_with_a_clear_message()
    {
        await using var limited = new EngineFactory(database.ConnectionString, roles: "web").WithSetting("SignIn:PermitsPerMinute", "10");
        using var browser = new PageClient(limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await browser.SignInAsStaffAsync("someone@example.org", "whatever password");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("Wait a minute", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses.Take(10), status => Assert.Equal(HttpStatusCode.BadRequest, status));
    }

    [Fact]
    public async Task A_module_imported_without_a_version_is_revalidated_on_every_load()
    {
        using var browser = Browser();

        using var imported = await browser.Http.GetAsync(new Uri("/js/test/outbox.js", UriKind.Relative));
        using var versioned = await browser.Http.GetAsync(new Uri("/js/test/main.js?v=abc", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.True(imported.Headers.CacheControl?.NoCache, "an import is asked for without ?v=, so a deploy must not leave an old copy in use");
        Assert.Equal("text/javascript", imported.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(true, versioned.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_session_cookies_are_http_only()
    {
        var centre = await Centres.CentreAsync(_store, Number());
        await Centres.StaffAsync(_store, centre, $"v{centre.Number}@example.org", Role.Verifier);
        using var browser = Browser();
        using var page = await browser.Http.GetAsync(new Uri("/signin", UriKind.Relative));

        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());

        using var signedIn = await browser.SignInAsStaffAsync($"v{centre.Number}@example.org", Centres.Password);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ae.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        using var browser = Browser();
        using var content = new FormUrlEncodedContent([new("email", "a@example.org"), new("password", "whatever password")]);
        using var response = await browser.Http.PostAsync(new Uri("/signin?handler=Staff", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SignInService.NotRecognised, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+")]
    private static partial System.Text.RegularExpressions.Regex Wait();
}
