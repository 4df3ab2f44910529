using System.Globalization;
using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Awards;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Awards;

/// <summary>
/// The award against the real database: an SVQ candidate registered for G8NN 24 whose units are decided competent and released
/// becomes ready to claim; the exam officer's page and CSV list them, and marking the claim takes them off; another centre's
/// exam officer is refused; bad input is refused with a message and writes nothing.
/// </summary>
public sealed class AwardTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        var load = await SvqBank.ImportAsync(_store);
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(500000, 599999).ToString(CultureInfo.InvariantCulture), "SVQ College",
            offers: [.. load.Units.Select(u => u.Code)]);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    /// <summary>A candidate of the centre with a first name a spreadsheet would run as a formula.</summary>
    private async Task<Candidate> CandidateAsync(string number, string? firstName = null)
    {
        var candidate = await Centres.CandidateAsync(_store, _centre, number);
        if (firstName is null)
        {
            return candidate;
        }

        await using var session = _store.LightweightSession();
        var renamed = candidate with { FirstName = firstName };
        session.Store(renamed);
        await session.SaveChangesAsync();
        return renamed;
    }

    /// <summary>Enrols the candidate on the units and records each as decided competent and released, as the unit decisions write them.</summary>
    private async Task AchieveAsync(Candidate candidate, IEnumerable<string> units, DateTimeOffset decidedAt)
    {
        foreach (var unit in units)
        {
            await Service<EnrolCandidates>().HandleAsync(_centre.Id, unit, [candidate.Id], Officer);
            Guid enrolmentId;
            await using (var query = _store.QuerySession())
            {
                enrolmentId = (await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id && e.UnitCode == unit)).Id;
            }

            await SvqBank.AchievedAsync(_store, enrolmentId, candidate, unit, decidedAt);
        }
    }

    private async Task<QualificationRegistration?> RegistrationAsync(Candidate candidate)
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<QualificationRegistration>(QualificationRegistration.IdFor(candidate.Id, SvqBank.Code));
    }

    private string Page => $"/centres/{_centre.Id}/qualifications";

    /// <summary>Posts the page's form; it is refused on its merits: a 400 whose page says why.</summary>
    private async Task RefusedAsync(PageClient officer, string handler, KeyValuePair<string, string>[] fields, string says)
    {
        using var refused = await officer.PostFormAsync(Page, $"{Page}?handler={handler}", fields);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(says, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_candidate_whose_units_meet_the_rules_is_ready_to_claim_listed_in_the_CSV_and_claimed_once()
    {
        var ready = await CandidateAsync($"R{_centre.Number}", "=HYPERLINK(\"http://x\")");
        var short_ = await CandidateAsync($"S{_centre.Number}");
        using var officer = await CandidatesPage.AdminOfAsync(_engine, _store, _centre);

        using (var registered = await officer.PostFormAsync(Page, Page + "?handler=Register", [new("qualification", SvqBank.Code), new("numbers", $"{ready.CandidateNumber}, {short_.CandidateNumber}")]))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
            Assert.Contains("Registered 2 candidate(s) for G8NN 24", await registered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var decided = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
        await AchieveAsync(ready, [.. SvqBank.Mandatory, .. SvqBank.SevenOptional], decided);
        // Seven optional units, none from Handling Problems: not met.
        await AchieveAsync(short_, [.. SvqBank.Mandatory, .. SvqBank.SevenOptional.Where(u => u != "F01S 04"), "F27V 04"], decided);

        var body = await officer.GetPageAsync(Page);
        Assert.Contains("Ready to be claimed for certification (1)", body, StringComparison.Ordinal);
        Assert.Contains("1 more optional unit, at least one from Handling Problems", body, StringComparison.Ordinal);

        using (var csv = await officer.Http.GetAsync(new Uri(Page + "?format=csv", UriKind.Relative)))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("\"candidate_number\",\"name\",\"qualification_code\",\"qualification_title\",\"units_achieved\"", lines[0]);
            var row = Assert.Single(lines.Skip(1));
            var units = string.Join("; ", SvqBank.Mandatory.Concat(["F05V 04", "F27R 04", "F27S 04", "F27T 04", "F01S 04", "F04F 04", "F27X 04"]).Select(u => $"{u} (2026-11-02)"));
            // The name a spreadsheet would run as a formula is neutralised with a leading quote.
            Assert.Equal($"\"{ready.CandidateNumber}\",\"'=HYPERLINK(\"\"http://x\"\") {ready.LastName}\",\"G8NN 24\",\"SVQ in Customer Service level 4\",\"{units}\"", row);
        }

        // Claiming the candidate who has not met the rules is refused with what is missing; nothing is written.
        await RefusedAsync(officer, "Claim", [new("qualification", SvqBank.Code), new("candidateIds", short_.Id.ToString())], "has not met the rules of G8NN 24 yet (1 more optional unit, at least one from Handling Problems)");

        Assert.False((await RegistrationAsync(short_))!.Claimed);

        using (var claimed = await officer.PostFormAsync(Page, Page + "?handler=Claim", [new("qualification", SvqBank.Code), new("candidateIds", ready.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
            Assert.Contains("Marked 1 certificate(s) for G8NN 24 as claimed.", await claimed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var claim = (await RegistrationAsync(ready))!.Claim;
        Assert.NotNull(claim);
        Assert.Equal(9, claim.Units.Count);
        Assert.Contains("Ready to be claimed for certification (0)", await officer.GetPageAsync(Page), StringComparison.Ordinal);

        // Claimed once: a second claim is refused.
        await RefusedAsync(officer, "Claim", [new("qualification", SvqBank.Code), new("candidateIds", ready.Id.ToString())], "it is not claimed twice");
    }

    [Fact]
    public async Task Another_centres_exam_officer_is_refused_the_page_its_CSV_and_its_forms()
    {
        var candidate = await CandidateAsync($"O{_centre.Number}");
        await Service<Features.Awards.Registering.RegisterCandidates>().HandleAsync(_centre.Id, SvqBank.Code, [candidate.CandidateNumber], Officer);
        var other = await Centres.CentreAsync(_store, Random.Shared.Next(600000, 699999).ToString(CultureInfo.InvariantCulture), "Other College");
        using var stranger = await CandidatesPage.AdminOfAsync(_engine, _store, other);

        foreach (var path in new[] { Page, Page + "?format=csv" })
        {
            using var response = await stranger.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{path} answered {response.StatusCode}");
            Assert.DoesNotContain(candidate.CandidateNumber, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // With a token from their own centre's page, posting to this centre's is refused, and nothing is written.
        var own = $"/centres/{other.Id}/qualifications";
        using (var posted = await stranger.PostFormAsync(own, Page + "?handler=Claim", [new("qualification", SvqBank.Code), new("candidateIds", candidate.Id.ToString())]))
        {
            Assert.True(posted.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"the claim answered {posted.StatusCode}");
        }

        Assert.False((await RegistrationAsync(candidate))!.Claimed);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_and_writes_nothing()
    {
        var candidate = await CandidateAsync($"B{_centre.Number}");
        using var officer = await CandidatesPage.AdminOfAsync(_engine, _store, _centre);

        (string Qualification, string Numbers, string Says)[] cases =
        [
            (SvqBank.Code, $"{candidate.CandidateNumber} NOBODY1", "No candidate here has the number(s) NOBODY1; nobody was registered."),
            ("NOT A CODE", candidate.CandidateNumber, "There is no qualification NOT A CODE in the item bank"),
            (SvqBank.Code, " ", "Give the candidate number of at least one candidate to register."),
            ("", candidate.CandidateNumber, "Choose the qualification to register the candidates for."),
        ];
        foreach (var (qualification, numbers, says) in cases)
        {
            await RefusedAsync(officer, "Register", [new("qualification", qualification), new("numbers", numbers)], says);
        }

        Assert.Null(await RegistrationAsync(candidate));

        await RefusedAsync(officer, "Claim", [new("qualification", SvqBank.Code)], "Choose at least one candidate");

        await RefusedAsync(officer, "Claim", [new("qualification", SvqBank.Code), new("candidateIds", candidate.Id.ToString())], "not registered here for G8NN 24");
    }

    [Fact]
    public async Task The_candidate_sees_their_progress_toward_the_award()
    {
        var candidate = await CandidateAsync($"C{_centre.Number}");
        await Service<Features.Awards.Registering.RegisterCandidates>().HandleAsync(_centre.Id, SvqBank.Code, [candidate.CandidateNumber], Officer);
        await AchieveAsync(candidate, SvqBank.Mandatory, DateTimeOffset.UtcNow);
        await Service<EnrolCandidates>().HandleAsync(_centre.Id, "F27W 04", [candidate.Id], Officer);

        using var browser = new PageClient(_engine.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using (var signedIn = await browser.SignInAsCandidateAsync(_centre.Number, candidate.CandidateNumber, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var body = WebUtility.HtmlDecode(await browser.GetPageAsync("/candidate/award"));
        Assert.Contains("You have achieved 2 of the 9 units needed", body, StringComparison.Ordinal);
        Assert.Contains("7 more optional units, at least one from Impression and Image", body, StringComparison.Ordinal);
        Assert.Contains("F27W 04</span> — in progress", body, StringComparison.Ordinal);
        Assert.Contains("F05T 04</span> — achieved", body, StringComparison.Ordinal);
        Assert.Contains("href=\"/candidate/award\"", await browser.GetPageAsync("/candidate"), StringComparison.Ordinal);
    }
}
