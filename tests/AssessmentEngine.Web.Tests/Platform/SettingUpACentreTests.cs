using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Platform;

/// <summary>
/// A real centre set up from a fresh install, with no demo data: the first platform operator comes from the command line
/// (./ae operator create), follows the printed link to choose a password, creates a centre and invites its exam officer,
/// who follows theirs and registers the centre's candidates. Bad input is refused with a clear message and writes nothing.
/// </summary>
public sealed class SettingUpACentreTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
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

    [Fact]
    public async Task The_first_operator_comes_from_the_command_line_and_sets_up_a_centre_whose_exam_officer_registers_candidates()
    {
        var run = Random.Shared.Next(1000, 9999);
        var (exit, printed) = await AeAsync("operator", "create", $"Operator{run}@Platform.example.org", "--name", "Pat Operator", "--url", "https://engine.example.org");
        Assert.True(exit == 0, printed);
        var operatorLink = Link().Match(printed);
        Assert.True(operatorLink.Success, printed);

        using var platform = Browser();
        await SetPasswordThroughAsync(platform, operatorLink.Value, $"operator{run}@platform.example.org");
        using (var home = await platform.Http.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal("/operator", home.Headers.Location?.OriginalString);
        }

        // Centre A with its exam officer; then the same number again, a time zone nobody knows, and an email that is not one.
        var number = $"C{run}A";
        string officerLink;
        using (var created = await platform.PostFormAsync("/operator", "/operator?handler=CreateCentre",
                   [new("number", number), new("name", "Abbey College"), new("timeZone", "Europe/London"), new("officerEmail", $"officer{run}@abbey.example.org"), new("officerName", "Alex Officer")]))
        {
            var page = await created.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            officerLink = WebUtility.HtmlDecode(Link().Match(page).Value);
            Assert.StartsWith("http://localhost/reset-password?name=", officerLink, StringComparison.Ordinal);
        }

        foreach (var (fields, message) in new (KeyValuePair<string, string>[], string)[]
        {
            ([new("number", number), new("name", "Another"), new("officerEmail", "x@example.org"), new("officerName", "X")], $"There is already a centre with the number {number}."),
            ([new("number", $"C{run}B"), new("name", "Bay College"), new("timeZone", "Mars/Olympus"), new("officerEmail", "x@example.org"), new("officerName", "X")], "is not a time zone"),
            ([new("number", $"C{run}B"), new("name", "Bay College"), new("timeZone", "Europe/London"), new("officerEmail", "not-an-email"), new("officerName", "X")], "The first exam officer: Enter the person&#x27;s email address."),
            ([new("number", "no"), new("name", "Bay College"), new("officerEmail", "x@example.org"), new("officerName", "X")], "3 to 12 letters and digits"),
        })
        {
            using var refused = await platform.PostFormAsync("/operator", "/operator?handler=CreateCentre", fields);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var query = _store.QuerySession())
        {
            Assert.Equal(1, await query.Query<Centre>().CountAsync(c => c.Number == number));
            Assert.False(await query.Query<Centre>().AnyAsync(c => c.Number == $"C{run}B"), "a refused centre was written");
        }

        // The exam officer follows their link, runs the centre, and cannot reach the platform's pages.
        using var officer = Browser();
        await SetPasswordThroughAsync(officer, officerLink, $"officer{run}@abbey.example.org");
        Centre centre;
        await using (var query = _store.QuerySession())
        {
            centre = await query.Query<Centre>().SingleAsync(c => c.Number == number);
        }

        using (var home = await officer.Http.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal("/admin", home.Headers.Location?.OriginalString);
        }

        using (var jobs = await officer.Http.GetAsync(new Uri("/jobs", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, jobs.StatusCode);
        }

        using (var operatorPage = await officer.Http.GetAsync(new Uri("/operator", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, operatorPage.StatusCode);
        }

        var csv = "candidate_number,first_name,last_name,date_of_birth\nAB0001,Ann,Smith,2001-04-23\nAB0002,Ben,Jones,2000-01-31\n";
        var candidates = $"/centres/{centre.Id}/candidates";
        using (var upload = await officer.PostMultipartAsync(candidates, candidates + "?handler=Upload", "file", "candidates.csv", Encoding.UTF8.GetBytes(csv)))
        {
            Assert.True(upload.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{(int)upload.StatusCode}: {await upload.Content.ReadAsStringAsync()}");
        }

        await using (var query = _store.QuerySession())
        {
            Assert.Equal(2, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
            var actions = await query.Query<AuditEntry>().Select(e => e.Action).ToListAsync();
            Assert.Contains(nameof(OperatorAppointed), actions);
            Assert.Contains(nameof(CentreCreated), actions);
        }

        // The link worked once.
        using var again = Browser();
        var (name, code) = Query(officerLink);
        using var reused = await again.PostFormAsync("/reset-password", "/reset-password", [new("signInName", name), new("code", code), new("newPassword", "yet another passphrase")]);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
    }

    [Fact]
    public async Task The_command_line_refuses_what_is_not_an_email_and_writes_nothing()
    {
        var (exit, printed) = await AeAsync("operator", "create", "not an email");

        Assert.Equal(1, exit);
        Assert.Contains("is not an email address", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal);
        await using var query = _store.QuerySession();
        Assert.False(await query.Query<UserAccount>().AnyAsync(a => a.Operator && a.SignInName == "not an email"));
    }

    /// <summary>Opens an invitation link (its name and code are filled in) and chooses a password there.</summary>
    private static async Task SetPasswordThroughAsync(PageClient browser, string link, string expectedName)
    {
        var (name, code) = Query(link);
        var path = new Uri(link).PathAndQuery;
        var page = await browser.GetPageAsync(path);
        Assert.Contains($"value=\"{expectedName}\"", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{code}\"", page, StringComparison.Ordinal);
        using var set = await browser.PostFormAsync(path, "/reset-password", [new("signInName", name), new("code", code), new("newPassword", "a long enough passphrase")]);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
    }

    private static (string Name, string Code) Query(string link)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
        return (query["name"]!, query["code"]!);
    }

    private Task<(int Exit, string Printed)> AeAsync(params string[] args) => CommandLineTool.RunAsync(database.ConnectionString, args);

    private static Regex Link() => CommandLineTool.Link();
}
