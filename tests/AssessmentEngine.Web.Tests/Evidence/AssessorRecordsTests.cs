using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>The evidence an assessor gathers, through the engine's pages: observation, witness testimony confirmed by its witness, discussion with a recording.</summary>
public sealed partial class AssessorRecordsTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(100000, 199999).ToString(CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<PageClient> AssessorAsync(Centre centre)
    {
        var account = await Centres.StaffAsync(_store, centre, $"assessor{Guid.NewGuid():N}@example.org", Role.Assessor);
        var browser = EvidenceCandidates.Client(_engine);
        using var signedIn = await browser.SignInAsStaffAsync(account.SignInName, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<string> RecordAsync(PageClient assessor, string page, params (string Name, string Value)[] fields)
    {
        using var response = await assessor.PostFormAsync(page, $"{page}?handler=Record", fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_observation_and_a_witness_testimony_confirmed_once_through_its_link_are_recorded_against_the_units_statements()
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, "REC0001", DateOnly.FromDateTime(DateTime.UtcNow));
        using var assessor = await AssessorAsync(_centre);
        Assert.Contains($"/assess/enrolments/{enrolled.Enrolment.Id}/records", await assessor.GetPageAsync($"/assess/centres/{_centre.Id}/evidence"), StringComparison.Ordinal);
        var page = $"/assess/enrolments/{enrolled.Enrolment.Id}/records";

        var observed = await RecordAsync(assessor, page, ("Kind", "Observation"), ("on", Today), ("activity", "Handling a complaint at the help desk"),
            ("account", "Listened, apologised, agreed a refund within policy."), ("covers", "4.1"), ("covers", "4.2"));
        Assert.Contains("Observation recorded.", observed, StringComparison.Ordinal);
        Assert.Contains("Covers 4.1, 4.2", observed, StringComparison.Ordinal);
        // The unit record: the two statements observed are shown; the other 14 are gaps, listed first.
        Assert.Contains("14 of 16 statements have nothing showing them yet", observed, StringComparison.Ordinal);
        Assert.Matches(new Regex("<tbody>\\s*<tr class=\"gap\">\\s*<th scope=\"row\">1\\.1 "), observed);
        Assert.Matches(new Regex("<tr class=\"\">\\s*<th scope=\"row\">4\\.1 [^<]*</th>\\s*<td>\\s*<ul>\\s*<li>Observation: [^<]*Handling a complaint"), observed);

        // Bad input is refused with what to do, and nothing is recorded.
        Assert.Contains("Unit 305/695 has no statement 9.9", await RecordAsync(assessor, page, ("Kind", "Observation"), ("on", Today), ("activity", "x"), ("account", "y"), ("covers", "9.9")),
            StringComparison.Ordinal);
        Assert.Contains("Give the date the evidence was gathered (today or earlier)",
            await RecordAsync(assessor, page, ("Kind", "Observation"), ("on", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("activity", "x"), ("account", "y"), ("covers", "1.1")),
            StringComparison.Ordinal);
        Assert.Contains("Give the witness's name, their role and how they know the candidate",
            await RecordAsync(assessor, page, ("Kind", "WitnessTestimony"), ("on", Today), ("activity", "x"), ("account", "y"), ("covers", "1.1")), StringComparison.Ordinal);

        var witnessed = await RecordAsync(assessor, page, ("Kind", "WitnessTestimony"), ("on", Today), ("activity", "Team meetings in March"),
            ("account", "They led the weekly service review and changed the rota after feedback."), ("covers", "3.1"), ("witnessName", "Pat Manager"),
            ("witnessRole", "Customer service manager"), ("relationship", "Line manager for two years"));
        var link = new Uri(WitnessLink().Match(witnessed).Groups[1].Value).AbsolutePath;
        Assert.Contains("not confirmed yet", witnessed, StringComparison.Ordinal);
        Assert.Contains("not confirmed by the witness yet", witnessed, StringComparison.Ordinal);
        Assert.Contains("14 of 16 statements have nothing showing them yet", witnessed, StringComparison.Ordinal); // an unconfirmed testimony shows nothing yet

        // The witness needs no account: the link shows the testimony and confirms it, once.
        using var witness = EvidenceCandidates.Client(_engine);
        Assert.Contains("They led the weekly service review", await witness.GetPageAsync(link), StringComparison.Ordinal);
        var token = (await witness.TokenOnAsync(link))!;
        foreach (var press in new[] { 1, 2 }) // a second press (a double click, the form sent again) changes nothing
        {
            using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
            using var confirmed = await witness.Http.PostAsync(new Uri(link, UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            Assert.Contains("your testimony is confirmed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var made = await witness.Http.GetAsync(new Uri("/witness/not-a-real-link", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, made.StatusCode);
        }

        Assert.Contains("13 of 16 statements have nothing showing them yet", WebUtility.HtmlDecode(await assessor.GetPageAsync(page)), StringComparison.Ordinal);
        await using var query = _store.QuerySession();
        var records = await query.Query<AssessorRecord>().Where(r => r.EnrolmentId == enrolled.Enrolment.Id).ToListAsync();
        Assert.Equal([RecordKind.Observation, RecordKind.WitnessTestimony], records.Select(r => r.Kind).Order());
        var testimony = records.Single(r => r.Kind == RecordKind.WitnessTestimony);
        Assert.NotNull(testimony.ConfirmedAt);
        Assert.Equal(1, await StoredEvents.CountAsync(database.ConnectionString, testimony.Id, "witness_confirmed"));
        Assert.DoesNotContain(link.Split('/')[^1], testimony.LinkHash, StringComparison.Ordinal); // the link itself is not kept

        // The candidate sees what was recorded for them.
        var theirs = WebUtility.HtmlDecode(await enrolled.Browser.GetPageAsync("/candidate/evidence"));
        Assert.Contains("Observation for 305/695", theirs, StringComparison.Ordinal);
        Assert.Contains("witness Pat Manager, confirmed", theirs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_discussion_keeps_its_audio_recording_for_the_candidate_and_their_centre_only_and_a_file_that_is_not_audio_is_refused()
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, "REC0002", DateOnly.FromDateTime(DateTime.UtcNow));
        using var assessor = await AssessorAsync(_centre);
        var page = $"/assess/enrolments/{enrolled.Enrolment.Id}/records";
        byte[] mp3 = [.. "ID3\u0004\0\0\0\0\0\0"u8.ToArray(), .. new byte[4096]];
        (string, string)[] fields = [("Kind", "ProfessionalDiscussion"), ("on", Today), ("activity", "Discussion of the complaints policy"),
            ("account", "Q: How do you escalate? A: To the duty manager, within the hour."), ("covers", "4.1")];

        using (var refused = await assessor.PostMultipartAsync(page, $"{page}?handler=Record", fields, "audio", "discussion.mp3", EvidenceSamples.Text("<html>not audio</html>")))
        {
            Assert.Contains("discussion.mp3 is not an MP3, M4A or MP4 recording", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using (var kept = await assessor.PostMultipartAsync(page, $"{page}?handler=Record", fields, "audio", "discussion.mp3", mp3))
        {
            Assert.Contains("Professional discussion recorded.", await kept.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var query = _store.QuerySession();
        var record = await query.Query<AssessorRecord>().SingleAsync(r => r.EnrolmentId == enrolled.Enrolment.Id);
        var path = $"/evidence/records/{record.Id}/recording";
        foreach (var allowed in new[] { enrolled.Browser, assessor })
        {
            using var response = await allowed.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(mp3, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        }

        var elsewhere = await Centres.CentreAsync(_store, Random.Shared.Next(200000, 299999).ToString(CultureInfo.InvariantCulture));
        using var stranger = await AssessorAsync(elsewhere);
        using (var refused = await stranger.Http.GetAsync(new Uri(path, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var page404 = await stranger.Http.GetAsync(new Uri(page, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, page404.StatusCode);
        }
    }

    [GeneratedRegex("id=\"witness-link\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex WitnessLink();
}
