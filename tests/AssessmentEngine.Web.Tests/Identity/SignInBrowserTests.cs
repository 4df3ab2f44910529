using AssessmentEngine.Web.Features.Demo;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>What a person sees: each demo role signs in through the real page, by keyboard, and lands on its home.</summary>
public sealed class SignInBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        await DemoData.SeedAsync(store, TimeProvider.System, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    public static TheoryData<string, string, string> StaffHomes() => new()
    {
        { $"officer@{DemoData.EmailDomain}", "/admin", "Exam officer" },
        { $"tutor@{DemoData.EmailDomain}", "/tutor", "Item banks" },
        { $"invigilator1@{DemoData.EmailDomain}", "/invigilate", "Invigilator" },
        { $"assessor2@{DemoData.EmailDomain}", "/assess", "Assessor" },
        { $"verifier@{DemoData.EmailDomain}", "/verify", "Internal verifier" },
    };

    [Theory]
    [MemberData(nameof(StaffHomes))]
    public async Task Each_demo_staff_role_signs_in_and_lands_on_its_home(string email, string home, string heading)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browser.OpenAsync(page, _baseUrl + "/");

        Assert.EndsWith("/signin?ReturnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DemoData.StaffPassword);
        await page.Keyboard.PressAsync("Enter");

        await Browser.ArriveAsync(page, _baseUrl + home);
        Assert.Equal(heading, (await page.Locator("h1").InnerTextAsync()).Split('\n')[0].Trim());
    }

    [Fact]
    public async Task A_demo_candidate_signs_in_and_sees_their_adjustments()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browser.OpenAsync(page, _baseUrl + "/signin");

        await page.GetByLabel("Centre number").FillAsync(DemoData.CentreNumber);
        await page.GetByLabel("Candidate number").FillAsync("DC0005");
        await page.GetByLabel("Password or sign-in code").FillAsync(DemoData.CandidatePassword);
        await page.GetByLabel("Password or sign-in code").PressAsync("Enter");

        await Browser.ArriveAsync(page, _baseUrl + "/candidate");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your tests");
        await Expect(page.Locator("main")).ToContainTextAsync("25 % extra time");
    }

    [Fact]
    public async Task A_wrong_password_shows_the_problem_and_keeps_the_email()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browser.OpenAsync(page, _baseUrl + "/signin");
        await page.GetByLabel("Email address").FillAsync($"officer@{DemoData.EmailDomain}");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).First.ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        Assert.Contains("do not match an account", await alert.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal($"officer@{DemoData.EmailDomain}", await page.GetByLabel("Email address").InputValueAsync());
    }

    [Fact]
    public async Task Sign_out_in_the_header_ends_the_session_so_a_copy_of_its_cookie_signs_nobody_in()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browser.SignInStaffAsync(page, _baseUrl, $"officer@{DemoData.EmailDomain}", DemoData.StaffPassword);
        await Browser.ArriveAsync(page, _baseUrl + "/admin");
        var copied = await context.CookiesAsync(); // what someone could carry away from the exam-room computer

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Browser.ArriveAsync(page, _baseUrl + "/signout");
        await Expect(page.Locator("h1")).ToHaveTextAsync("You have signed out");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);

        await using var elsewhere = await browser.NewContextAsync();
        await elsewhere.AddCookiesAsync(copied.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        var other = await elsewhere.NewPageAsync();
        await Browser.OpenAsync(other, _baseUrl + "/admin");
        await Browser.ArriveAsync(other, new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Fadmin$"));
    }
}
