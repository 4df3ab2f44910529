using System.Text;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Platform;

/// <summary>
/// A fresh install, in a real browser, from an empty database with no demo data: the awarding bodies' banks imported and
/// the first operator made from the command line; the operator, through the printed link, creates centres A and B offering
/// a unit and invites their exam officers; each officer sets a password through their own link, registers the centre's
/// candidates from a CSV file and schedules a sitting, and neither reaches the other's centre.
/// </summary>
public sealed class SettingUpCentresInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private const string Unit = "FE6V 35";
    private const string Passphrase = "a long enough passphrase";
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task An_operator_sets_up_two_centres_whose_exam_officers_register_candidates_and_schedule_sittings()
    {
        await using (var query = _store.QuerySession())
        {
            Assert.False(await query.Query<Centre>().AnyAsync(), "the database is not empty");
            Assert.False(await query.Query<UserAccount>().AnyAsync(), "the database is not empty");
        }

        var (imported, importOutput) = await CommandLineTool.RunAsync(database.ConnectionString, "itembank", "import", Path.Combine(BankFolder.RepositoryRoot, "itembank"));
        Assert.True(imported == 0, importOutput);
        var (created, printed) = await CommandLineTool.RunAsync(database.ConnectionString, "operator", "create", "pat@platform.example.org", "--name", "Pat Operator", "--url", _baseUrl);
        Assert.True(created == 0, printed);
        var operatorLink = CommandLineTool.Link().Match(printed).Value;

        await using var operatorContext = await browser.NewContextAsync();
        var platform = await operatorContext.NewPageAsync();
        await SetPasswordAsync(platform, operatorLink, "pat@platform.example.org", "/operator");

        var officerLinks = new Dictionary<string, string>();
        foreach (var (number, name) in new[] { ("100001", "Abbey College"), ("100002", "Bay College") })
        {
            await platform.GetByLabel("Centre number").FillAsync(number);
            await platform.GetByLabel("Centre name").FillAsync(name);
            await platform.GetByLabel($"{Unit} —").CheckAsync();
            await platform.GetByLabel("First exam officer's email address").FillAsync($"officer@{number}.example.org");
            await platform.GetByLabel("First exam officer's name").FillAsync($"Officer of {name}");
            await platform.GetByRole(AriaRole.Button, new() { Name = "Create the centre and invite its exam officer" }).ClickAsync();
            await Expect(platform.Locator("[role=status]").First).ToContainTextAsync($"Created {name} ({number}).");
            officerLinks[number] = (await platform.Locator("#invitation-link").InnerTextAsync()).Trim();
        }

        await Expect(platform.Locator("table").Last).ToContainTextAsync("Bay College");
        Centre a, b;
        await using (var query = _store.QuerySession())
        {
            a = await query.Query<Centre>().SingleAsync(c => c.Number == "100001");
            b = await query.Query<Centre>().SingleAsync(c => c.Number == "100002");
        }

        Assert.Equal([Unit], a.OfferedUnits);
        foreach (var (centre, other, prefix) in new[] { (a, b, "AB"), (b, a, "BY") })
        {
            await using var context = await browser.NewContextAsync();
            var officer = await context.NewPageAsync();
            await SetPasswordAsync(officer, officerLinks[centre.Number], $"officer@{centre.Number}.example.org", "/admin");
            await Expect(officer.Locator("main")).ToContainTextAsync(centre.Name);
            await Expect(officer.Locator("main")).Not.ToContainTextAsync(other.Name);

            await officer.GetByRole(AriaRole.Link, new() { Name = "Candidates", Exact = true }).ClickAsync();
            await ArriveAsync(officer, $"{_baseUrl}/centres/{centre.Id}/candidates");
            var csv = $"candidate_number,first_name,last_name,date_of_birth\n{prefix}0001,Ann,Smith,2001-04-23\n{prefix}0002,Ben,Jones,2000-01-31\n";
            await officer.GetByLabel("CSV (UTF-8) or Excel (.xlsx) file").SetInputFilesAsync(new FilePayload
            {
                Name = "candidates.csv",
                MimeType = "text/csv",
                Buffer = Encoding.UTF8.GetBytes(csv),
            });
            await officer.GetByRole(AriaRole.Button, new() { Name = "Register from file" }).ClickAsync();
            await Expect(officer.Locator("[role=status]").First).ToContainTextAsync("Registered 2 candidate(s).");

            // An invigilator first: a sitting needs one.
            await Browser.OpenAsync(officer, $"{_baseUrl}/centres/{centre.Id}/staff");
            await officer.GetByLabel("Email address").FillAsync($"invigilator@{centre.Number}.example.org");
            await officer.GetByLabel("Name", new() { Exact = true }).FillAsync($"Invigilator of {centre.Name}");
            await officer.GetByRole(AriaRole.Group, new() { Name = "Roles", Exact = true }).GetByLabel("Invigilator").CheckAsync();
            await officer.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Expect(officer.Locator("main")).ToContainTextAsync($"invigilator@{centre.Number}.example.org");

            await Browser.OpenAsync(officer, $"{_baseUrl}/centres/{centre.Id}/sittings");
            await officer.GetByLabel("Unit (its test)").SelectOptionAsync(Unit);
            await officer.GetByLabel("Room", new() { Exact = true }).FillAsync("Room 1");
            await officer.GetByLabel("Date", new() { Exact = true }).FillAsync(DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await officer.GetByLabel("Start time").FillAsync("10:00");
            await officer.GetByRole(AriaRole.Checkbox, new() { Name = $"Invigilator of {centre.Name}" }).CheckAsync();
            await officer.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
            await ArriveAsync(officer, new System.Text.RegularExpressions.Regex($"/centres/{centre.Id}/sittings/[0-9a-f-]{{36}}$"));

            // The other centre's pages are not theirs.
            var response = await Browser.OpenAsync(officer, $"{_baseUrl}/centres/{other.Id}/candidates");
            Assert.EndsWith("/denied", new Uri(officer.Url).AbsolutePath, StringComparison.Ordinal);
            Assert.NotNull(response);
        }

        await using (var query = _store.QuerySession())
        {
            foreach (var centre in new[] { a, b })
            {
                Assert.Equal(2, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
                Assert.Equal(1, await query.Query<Sitting>().CountAsync(s => s.CentreId == centre.Id && s.UnitCode == Unit));
            }
        }
    }

    /// <summary>Opens a one-time link (it fills in the name and code), chooses a password, and lands on <paramref name="home"/>.</summary>
    private async Task SetPasswordAsync(IPage page, string link, string name, string home)
    {
        Assert.StartsWith(_baseUrl + "/reset-password?", link, StringComparison.Ordinal);
        await Browser.OpenAsync(page, link);
        await Expect(page.GetByLabel("Email address, or centre number/candidate number")).ToHaveValueAsync(name);
        await page.GetByLabel("New password").FillAsync(Passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password and sign in" }).ClickAsync();
        await ArriveAsync(page, _baseUrl + home);
    }

    /// <summary>Waits for the page to arrive at the address; if it does not, the failure says where the browser is and what it shows.</summary>
    private static Task ArriveAsync(IPage page, string address) => ExplainedAsync(page, () => Browser.ArriveAsync(page, address));

    private static Task ArriveAsync(IPage page, System.Text.RegularExpressions.Regex address) => ExplainedAsync(page, () => Browser.ArriveAsync(page, address));

    private static async Task ExplainedAsync(IPage page, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (PlaywrightException timeout)
        {
            Assert.Fail($"{timeout.Message}\nThe browser is at {page.Url}, showing:\n{await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 })}");
        }
    }
}
