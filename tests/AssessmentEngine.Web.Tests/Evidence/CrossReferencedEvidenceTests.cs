using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>
/// One piece of an SVQ candidate's evidence counted for two units (the seed's integration of assessment), through the engine's
/// pages on the real database: the unit records, the index of evidence and the element achievement record, and every refusal.
/// </summary>
public sealed partial class CrossReferencedEvidenceTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Unit7 = SvqCandidates.Unit7;
    private const string Unit8 = SvqCandidates.Unit8;
    private const string Brief7 = SvqCandidates.Brief7;
    private const string Brief7Title = SvqCandidates.Brief7Title;
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await NewCentreAsync();
        await SvqCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<Centre> NewCentreAsync() => await Centres.CentreAsync(_store, Random.Shared.Next(700000, 799999).ToString(CultureInfo.InvariantCulture));

    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A candidate of <paramref name="centre"/> enrolled on both SVQ units (which have no window: always open), signed in; their enrolment on each.</summary>
    private async Task<(Candidate Candidate, PageClient Browser, Enrolment On7, Enrolment On8)> EnrolledOnBothAsync(Centre centre, string number)
    {
        var (candidate, on7, on8) = await SvqCandidates.EnrolledOnBothAsync(_engine, centre, number);
        return (candidate, await EvidenceCandidates.SignedInAsync(_engine, centre, number), on7, on8);
    }

    /// <summary>The candidate uploads a case study to F05T 04's portfolio brief and submits it as version 1; the submission's id.</summary>
    private static async Task<Guid> SubmittedAsync(PageClient candidate, Enrolment on7)
    {
        var page = $"/candidate/evidence/{on7.Id}/{Brief7}";
        var tus = await TusClient.ForPageAsync(candidate.Http, page);
        using (var uploaded = await tus.UploadAsync("Complaint case study.docx", EvidenceSamples.Docx(1_200), on7.Id, Brief7))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }

        Assert.Contains("Submitted as version 1", await EvidenceCandidates.SubmitAsync(candidate, page), StringComparison.Ordinal);
        return Submission.IdFor(on7.Id, Brief7);
    }

    private static async Task JudgeAllMetAsync(PageClient assessor, Guid submissionId)
    {
        var page = $"/assess/evidence/{submissionId}";
        var statements = Enumerable.Range(1, 14).Select(n => $"7.1.{n}").Concat(Enumerable.Range(1, 6).Select(n => $"7.2.{n}"));
        var fields = statements.Select(s => new KeyValuePair<string, string>($"met:{s}", "met")).Append(new("version", "1")).Append(new("feedback", "Real work, a range of examples."));
        using var judged = await assessor.PostFormAsync(page, $"{page}?handler=Judge", fields);
        Assert.Contains("Version 1 judged", await judged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Counts the version for another enrolment through the judging page's form; the page answered.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> CountForAsync(PageClient assessor, Guid submissionId, Guid enrolmentId, string comment, params string[] statements)
    {
        var page = $"/assess/evidence/{submissionId}";
        var fields = statements.Select(s => new KeyValuePair<string, string>("statements", s))
            .Append(new("version", "1")).Append(new("enrolmentId", enrolmentId.ToString())).Append(new("comment", comment));
        using var response = await assessor.PostFormAsync(page, $"{page}?handler=CrossReference", fields);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<string> RecordAsync(PageClient assessor, Guid enrolmentId, params (string Name, string Value)[] fields)
    {
        var page = $"/assess/enrolments/{enrolmentId}/records";
        using var response = await assessor.PostFormAsync(page, $"{page}?handler=Record", fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_judged_piece_of_evidence_counted_for_a_second_unit_shows_in_that_units_record_and_once_in_the_index_of_evidence()
    {
        var (candidate, browser, on7, on8) = await EnrolledOnBothAsync(_centre, "SVQ0001");
        var (assessor, account) = await EvidenceCandidates.StaffAsync(_engine, _centre, $"assessor{_centre.Number}@example.org", Role.Assessor);

        // What the assessor gathers for F05T 04: an observation, and a witness testimony its witness confirms.
        Assert.Contains("Observation recorded.", await RecordAsync(assessor, on7.Id, ("Kind", "Observation"), ("on", Today), ("activity", "A complaint at the help desk"),
            ("account", "Stayed calm with an angry customer and agreed a fair outcome."), ("covers", "7.1.10"), ("covers", "7.1.11")), StringComparison.Ordinal);
        var witnessed = await RecordAsync(assessor, on7.Id, ("Kind", "WitnessTestimony"), ("on", Today), ("activity", "Weekly service reviews"),
            ("account", "Works with the warehouse team to keep delivery promises."), ("covers", "7.1.5"), ("witnessName", "Pat Manager"),
            ("witnessRole", "Customer service manager"), ("relationship", "Line manager for two years"));
        var link = new Uri(WitnessLink().Match(witnessed).Groups[1].Value).AbsolutePath;
        using (var witness = EvidenceCandidates.Client(_engine))
        {
            var token = (await witness.TokenOnAsync(link))!;
            using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
            using var confirmed = await witness.Http.PostAsync(new Uri(link, UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        // The case study is judged for F05T 04, then counted for F04E 04's statements it also shows.
        var submissionId = await SubmittedAsync(browser, on7);
        await JudgeAllMetAsync(assessor, submissionId);
        var judging = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/evidence/{submissionId}"));
        Assert.Contains($"Count version 1 for {Unit8}", judging, StringComparison.Ordinal);
        var (status, counted) = await CountForAsync(assessor, submissionId, on8.Id, "The complaint shows the policies checked and who authorised the refund.", "8.1.1", "8.1.3");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Version 1 counted for {Unit8}", counted, StringComparison.Ordinal);
        Assert.Contains($"Counted for {Unit8} (8.1.1, 8.1.3) by {account.SignInName}", counted, StringComparison.Ordinal);

        // F04E 04's record: the two statements are shown by the evidence from F05T 04; the other nine are gaps, listed first.
        var record8 = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/enrolments/{on8.Id}/records"));
        Assert.Contains("9 of 11 statements have nothing showing them yet", record8, StringComparison.Ordinal);
        Assert.Matches(new Regex("<tbody>\\s*<tr class=\"gap\">\\s*<th scope=\"row\">8\\.1\\.2 "), record8);
        Assert.Matches(new Regex("<tr class=\"gap\">\\s*<th scope=\"row\">8\\.2\\.7 [^<]*</th>\\s*<td>\\s*<strong>Gap:</strong>[^<]*<span>nothing yet</span>\\s*</td>\\s*</tr>\\s*<tr class=\"\">\\s*<th scope=\"row\">8\\.1\\.1 "), record8);
        Assert.Matches(new Regex($"<th scope=\"row\">8\\.1\\.3 [^<]*</th>\\s*<td>\\s*<ul>\\s*<li>Evidence from {Unit7}: {Brief7Title}, version 1, counted by {Regex.Escape(account.SignInName)}"), record8);

        // F05T 04's record: the observation and the confirmed testimony, beside the judged criteria.
        var record7 = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/enrolments/{on7.Id}/records"));
        Assert.Contains("Every statement of the unit is shown by some evidence.", record7, StringComparison.Ordinal);
        Assert.Matches(new Regex("<th scope=\"row\">7\\.1\\.11 [^<]*</th>\\s*<td>\\s*<ul>(\\s*<li>[^<]*</li>)*\\s*<li>Observation: [^<]*A complaint at the help desk"), record7);
        Assert.Matches(new Regex("<th scope=\"row\">7\\.1\\.5 [^<]*</th>\\s*<td>\\s*<ul>(\\s*<li>[^<]*</li>)*\\s*<li>Witness testimony: [^<]*Pat Manager, confirmed by the witness"), record7);

        // The index of evidence numbers the case study once and names both units; the observation and testimony are pieces too.
        Assert.Contains($"/evidence/candidates/{candidate.Id}/index", record8, StringComparison.Ordinal);
        var index = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/evidence/candidates/{candidate.Id}/index"));
        Assert.Single(Regex.Matches(index, Regex.Escape(Brief7Title)));
        var row = IndexRow().Matches(index).Single(m => m.Groups["description"].Value.Contains(Brief7Title, StringComparison.Ordinal));
        Assert.Equal($"{Unit7}, {Unit8}", row.Groups["units"].Value.Trim());
        Assert.Equal(3, IndexRow().Count(index));
        Assert.Contains("Observation: A complaint at the help desk", index, StringComparison.Ordinal);

        // F04E 04's element achievement record: the case study's row ticks 8.1.1 and 8.1.3, and nothing else.
        Assert.Contains($"/evidence/enrolments/{on8.Id}/achievement", record8, StringComparison.Ordinal);
        var achievement = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/evidence/enrolments/{on8.Id}/achievement"));
        var number = row.Groups["number"].Value;
        var ticks = AchievementRow(number).Match(achievement);
        Assert.True(ticks.Success, achievement);
        Assert.Equal(["8.1.1", "8.1.3"], TickedIn(ticks.Value));

        // Both forms are the centre's assessors' and verifiers': another centre's assessor is told "not found".
        var (verifier, _) = await EvidenceCandidates.StaffAsync(_engine, _centre, $"verifier{_centre.Number}@example.org", Role.Verifier);
        Assert.Contains($"/evidence/candidates/{candidate.Id}/index", await verifier.GetPageAsync($"/verify/evidence/{submissionId}"), StringComparison.Ordinal);
        Assert.Contains(Brief7Title, await verifier.GetPageAsync($"/evidence/candidates/{candidate.Id}/index"), StringComparison.Ordinal);
        var elsewhere = await NewCentreAsync();
        var (stranger, _) = await EvidenceCandidates.StaffAsync(_engine, elsewhere, $"assessor{elsewhere.Number}@example.org", Role.Assessor);
        foreach (var path in new[] { $"/evidence/candidates/{candidate.Id}/index", $"/evidence/enrolments/{on8.Id}/achievement" })
        {
            using var refused = await stranger.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Counting_evidence_for_a_unit_that_is_not_the_candidates_a_statement_that_unit_lacks_its_own_unit_or_an_unjudged_version_is_refused_and_writes_nothing()
    {
        var (_, browser, on7, on8) = await EnrolledOnBothAsync(_centre, "SVQ0002");
        var (classmate, _, _, classmatesOn8) = await EnrolledOnBothAsync(_centre, "SVQ0003");
        var elsewhere = await NewCentreAsync();
        var (_, _, _, elsewhereOn8) = await EnrolledOnBothAsync(elsewhere, "SVQ0004");
        var (assessor, _) = await EvidenceCandidates.StaffAsync(_engine, _centre, $"assessor{_centre.Number}@example.org", Role.Assessor);
        var submissionId = await SubmittedAsync(browser, on7);
        Assert.NotEqual(on8.CandidateId, classmate.Id);

        async Task RefusedAsync(Guid enrolmentId, string says, params string[] statements)
        {
            var (status, body) = await CountForAsync(assessor, submissionId, enrolmentId, "Shows the policies checked.", statements);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(says, body, StringComparison.Ordinal);
            Assert.Equal(0, await StoredEvents.CountAsync(database.ConnectionString, submissionId, "evidence_cross_referenced"));
        }

        await RefusedAsync(on8.Id, "Version 1 is not judged yet: only a judged version can be counted for another unit.", "8.1.1");
        await JudgeAllMetAsync(assessor, submissionId);
        await RefusedAsync(Guid.NewGuid(), "The candidate is not enrolled on that unit at this centre", "8.1.1");
        await RefusedAsync(classmatesOn8.Id, "That enrolment is another candidate's", "8.1.1");
        await RefusedAsync(elsewhereOn8.Id, "That enrolment is at another centre", "8.1.1");
        await RefusedAsync(on7.Id, $"This evidence already counts for {Unit7}, its own unit", "7.1.1");
        await RefusedAsync(on8.Id, $"Unit {Unit8} has no statement 7.1.1", "8.1.1", "7.1.1");
        await RefusedAsync(on8.Id, $"Tick the statements of {Unit8} this evidence shows");
        var (status, body) = await CountForAsync(assessor, submissionId, on8.Id, " ", "8.1.1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Say how this evidence shows those statements", body, StringComparison.Ordinal);
        Assert.Equal(0, await StoredEvents.CountAsync(database.ConnectionString, submissionId, "evidence_cross_referenced"));
    }

    [Fact]
    public async Task An_observation_for_one_unit_may_also_show_statements_of_the_candidates_other_unit_and_only_of_a_unit_of_theirs()
    {
        var (candidate, _, on7, on8) = await EnrolledOnBothAsync(_centre, "SVQ0005");
        var (_, _, _, classmatesOn8) = await EnrolledOnBothAsync(_centre, "SVQ0006");
        var (assessor, _) = await EvidenceCandidates.StaffAsync(_engine, _centre, $"assessor{_centre.Number}@example.org", Role.Assessor);
        (string, string)[] observation = [("Kind", "Observation"), ("on", Today), ("activity", "Proposing a new returns procedure"),
            ("account", "Checked the returns policy and the consumer law, and asked the manager for authority."), ("covers", "7.2.2")];

        Assert.Contains($"Unit {Unit8} has no statement 7.1.1", await RecordAsync(assessor, on7.Id, [.. observation, ("also", $"{on8.Id}/7.1.1")]), StringComparison.Ordinal);
        Assert.Contains("The candidate is not enrolled on that other unit at this centre",
            await RecordAsync(assessor, on7.Id, [.. observation, ("also", $"{classmatesOn8.Id}/8.1.2")]), StringComparison.Ordinal);
        await using (var query = _store.QuerySession())
        {
            Assert.Equal(0, await query.Query<AssessmentEngine.Web.Features.Evidence.Recording.AssessorRecord>().CountAsync(r => r.CandidateId == candidate.Id));
        }

        var recorded = await RecordAsync(assessor, on7.Id, [.. observation, ("also", $"{on8.Id}/8.1.2"), ("also", $"{on8.Id}/8.2.1")]);
        Assert.Contains($"Also counts for {Unit8}: 8.1.2, 8.2.1.", recorded, StringComparison.Ordinal);
        var record8 = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/enrolments/{on8.Id}/records"));
        Assert.Contains("9 of 11 statements have nothing showing them yet", record8, StringComparison.Ordinal);
        Assert.Matches(new Regex($"<th scope=\"row\">8\\.1\\.2 [^<]*</th>\\s*<td>\\s*<ul>\\s*<li>Observation for {Unit7}: [^<]*Proposing a new returns procedure"), record8);
        var index = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/evidence/candidates/{candidate.Id}/index"));
        Assert.Equal($"{Unit7}, {Unit8}", Assert.Single(IndexRow().Matches(index)).Groups["units"].Value);
    }

    private static string[] TickedIn(string row) => [.. Tick().Matches(row).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("id=\"witness-link\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex WitnessLink();

    [GeneratedRegex("<tr class=\"piece\">\\s*<th scope=\"row\">(?<number>\\d+)</th>\\s*<td>(?<description>[^<]*)</td>\\s*<td>[^<]*</td>\\s*<td>(?<units>[^<]*)</td>")]
    private static partial Regex IndexRow();

    [GeneratedRegex("<td class=\"tick\" data-statement=\"([^\"]+)\">✓")]
    private static partial Regex Tick();

    private static Regex AchievementRow(string number) => new($"<tr class=\"piece\">\\s*<th scope=\"row\">{number}</th>.*?</tr>", RegexOptions.Singleline);
}
