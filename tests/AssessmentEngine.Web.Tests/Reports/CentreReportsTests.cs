using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Reports;
using AssessmentEngine.Web.Features.Reports.Loading;
using AssessmentEngine.Web.Tests.Evidence;
using AssessmentEngine.Web.Tests.Infrastructure;
using CsvHelper;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Reports;

/// <summary>
/// The exam officer's reports on a centre with a known mix of candidates (<see cref="CentreReportMix"/>): the counts of every
/// section, the CSV downloads against the tables, and who is refused.
/// </summary>
public sealed partial class CentreReportsTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Use<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    [Fact]
    public async Task The_counts_in_each_section_match_a_known_mix_of_candidates()
    {
        var mix = await CentreReportMix.BuildAsync(_engine);
        var report = await Use<LoadCentreReport>().HandleAsync(mix.Centre.Id);

        var test = report.Units.Single(u => u.UnitCode == CentreReportMix.Unit);
        Assert.Equal(
            new Dictionary<Standing, int>
            {
                [Standing.NotStarted] = 2, [Standing.InProgress] = 2, [Standing.WaitingForAssessor] = 1, [Standing.AwaitingCountersignature] = 1,
                [Standing.Disputed] = 1, [Standing.DecidedAwaitingRelease] = 1, [Standing.ReleasedCompetent] = 1, [Standing.ReleasedNotYetCompetent] = 1,
            },
            Standings.All.ToDictionary(s => s, s => test[s]));
        Assert.Equal(10, test.Total);
        var evidence = report.Units.Single(u => u.UnitCode == EvidenceCandidates.Unit);
        Assert.Equal((1, 1, 2), (evidence[Standing.WaitingForAssessor], evidence[Standing.InProgress], evidence.Total));
        Assert.Contains("FE6V 35, 10 candidates: 2 not started, 2 in progress, 1 waiting for marking or judgement", test.InWords(), StringComparison.Ordinal);

        // Outstanding, oldest first: the evidence was submitted 50 hours ago, the rest today.
        Assert.Equal(
            new[]
            {
                (OutstandingKind.Judging, mix.EvidenceWaiting.CandidateNumber, "any assessor (not assigned)"),
                (OutstandingKind.VerifyingEvidence, mix.EvidenceSampled.CandidateNumber, "judge@example.org"),
            },
            report.Outstanding.Take(2).Select(o => (o.Kind, o.Candidate!.CandidateNumber, o.Whose)));
        Assert.Equal(
            new[]
            {
                (OutstandingKind.Marking, mix.OnTheTest[2].CandidateNumber, "any assessor (not assigned)"),
                (OutstandingKind.VerifyingTest, mix.OnTheTest[3].CandidateNumber, mix.Assessor.SignInName),
                (OutstandingKind.Countersigning, mix.OnTheTest[4].CandidateNumber, "unit.assessor@example.org"),
            }.Order(),
            report.Outstanding.Skip(2).Select(o => (o.Kind, o.Candidate!.CandidateNumber, o.Whose)).Order());
        Assert.Equal("2 days", report.OutstandingTable.Rows[0][^1].Text);
        Assert.Equal(5, report.OutstandingSummary.Rows.Sum(r => int.Parse(r[2].Text, CultureInfo.InvariantCulture)));

        // Not yet competent: the released decision's two actions, the overdue one first and said in words.
        var plans = report.PlansTable.Rows;
        Assert.Equal(2, plans.Count);
        Assert.All(plans, row => Assert.Equal(mix.OnTheTest[5].CandidateNumber, row[0].Text));
        Assert.Equal(("Resubmit the report on outcome 2", "Overdue by 3 days", true), (plans[0][6].Text, plans[0][8].Text, plans[0][8].Alert));
        Assert.Equal(("An observation at work", "Due in 10 days", false), (plans[1][6].Text, plans[1][8].Text, plans[1][8].Alert));
        Assert.StartsWith("Released ", plans[0][5].Text, StringComparison.Ordinal);

        // Windows closing within 14 days with no decision, soonest first; every other window closes in six weeks.
        var windows = report.WindowsTable.Rows;
        Assert.Equal(
            new[]
            {
                (mix.ClosingSoon.CandidateNumber, "6 days", Standing.NotStarted.Label()),
                (mix.EvidenceWaiting.CandidateNumber, "11 days", Standing.WaitingForAssessor.Label()),
            },
            windows.Select(r => (r[0].Text, r[4].Text, r[5].Text)));
    }

    [Fact]
    public async Task The_csv_downloads_hold_what_the_tables_show_with_formulas_neutralised()
    {
        var mix = await CentreReportMix.BuildAsync(_engine);
        using var officer = await SignedInAsync(mix.Admin);
        var page = await officer.GetPageAsync(ReportsOf(mix.Centre));
        Assert.Contains("<svg role=\"img\" aria-labelledby=\"status-chart-title\"", page, StringComparison.Ordinal);

        foreach (var section in CentreReport.Sections)
        {
            using var response = await officer.Http.GetAsync($"{ReportsOf(mix.Centre)}?csv={section}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var csv = Csv(await response.Content.ReadAsByteArrayAsync());
            var table = Table(page, section);
            Assert.True(table.Count > 1, $"the {section} table has rows");
            Assert.Equal(table.Count, csv.Count);
            for (var row = 0; row < table.Count; row++)
            {
                Assert.Equal(table[row].Count, csv[row].Count);
                for (var cell = 0; cell < table[row].Count; cell++)
                {
                    // A spreadsheet would run a cell starting = + - @ as a formula: the file starts it with a quote instead.
                    var shown = table[row][cell];
                    Assert.Equal(shown is [('=' or '+' or '-' or '@'), ..] ? "'" + shown : shown, csv[row][cell]);
                }
            }
        }

        var windows = Csv(await officer.Http.GetByteArrayAsync($"{ReportsOf(mix.Centre)}?csv=windows"));
        Assert.Contains(windows, row => row.Contains($"'{CentreReportMix.Formula} {mix.ClosingSoon.LastName}"));
        Assert.DoesNotContain(windows.SelectMany(r => r), value => value.StartsWith('='));

        using var unknown = await officer.Http.GetAsync($"{ReportsOf(mix.Centre)}?csv=everything");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("There is no section", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assessor_and_another_centres_exam_officer_are_refused_the_page_and_its_downloads()
    {
        var centre = await Centres.CentreAsync(_store, Random.Shared.Next(600000, 699999).ToString(CultureInfo.InvariantCulture));
        var other = await Centres.CentreAsync(_store, Random.Shared.Next(600000, 699999).ToString(CultureInfo.InvariantCulture));
        var officer = await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        var assessor = await Centres.StaffAsync(_store, centre, $"assessor{centre.Number}@example.org", Role.Assessor, Role.Verifier, Role.Tutor);
        var stranger = await Centres.StaffAsync(_store, other, $"officer{other.Number}@example.org", Role.Admin);

        using (var allowed = await SignedInAsync(officer))
        {
            using var page = await allowed.Http.GetAsync(ReportsOf(centre));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        foreach (var account in new[] { assessor, stranger })
        {
            using var client = await SignedInAsync(account);
            foreach (var path in new[] { ReportsOf(centre) }.Concat(CentreReport.Sections.Select(s => $"{ReportsOf(centre)}?csv={s}")))
            {
                using var response = await client.Http.GetAsync(path);
                Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/denied", StringComparison.Ordinal) == true,
                    $"{account.SignInName} was answered {response.StatusCode} at {path}");
            }
        }
    }

    [Fact]
    public async Task A_centre_of_two_thousand_candidates_is_read_in_two_requests()
    {
        var centre = await Centres.CentreAsync(_store, Random.Shared.Next(500000, 599999).ToString(CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
        var rows = Enumerable.Range(1, 2000).Select(n => new CandidateRow(n + 1, $"BIG{n:0000}", "Candidate", $"Number {n}", new DateOnly(2000, 1, 1), null, 0, false, false, false, null))
            .ToList();
        var registered = await Use<CentreRegistry>().RegisterCandidatesAsync(centre.Id, rows, "candidates.csv", new Acting("officer@example.org", "192.0.2.1"));
        await Use<EnrolCandidates>().HandleAsync(centre.Id, EvidenceCandidates.Unit, registered.Select(c => c.Id).ToList(), new Acting("officer@example.org", "192.0.2.1"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var session = _store.QuerySession();
        var facts = await LoadCentreReport.FactsAsync(session, centre.Id, CancellationToken.None);
        var report = CentreReport.Of(facts, DateTimeOffset.UtcNow);
        clock.Stop();

        Assert.Equal(2, session.RequestCount);
        Assert.Equal(2000, report.Units.Single()[Standing.NotStarted]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the report on 2,000 candidates took {clock.Elapsed}");
    }

    private static string ReportsOf(Centre centre) => $"/admin/centres/{centre.Id}/reports";

    private async Task<PageClient> SignedInAsync(UserAccount account)
    {
        var client = EvidenceCandidates.Client(_engine);
        using var signedIn = await client.SignInAsStaffAsync(account.SignInName, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static List<List<string>> Csv(byte[] bytes)
    {
        using var reader = new StringReader(new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF'));
        using var parser = new CsvParser(reader, CultureInfo.InvariantCulture);
        var rows = new List<List<string>>();
        while (parser.Read())
        {
            rows.Add([.. parser.Record!]);
        }

        return rows;
    }

    /// <summary>The cells of the page's table for a section, the header row first, as a person reads them.</summary>
    private static List<List<string>> Table(string page, string section)
    {
        var table = Regex.Match(page, $"<table id=\"table-{section}\"[^>]*>(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, $"the page has no {section} table");
        return [.. Rows().Matches(table.Groups[1].Value).Select(row =>
            Cells().Matches(row.Groups[1].Value).Select(cell => WebUtility.HtmlDecode(cell.Groups[1].Value.Trim())).ToList())];
    }

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Rows();

    [GeneratedRegex("<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex Cells();
}
