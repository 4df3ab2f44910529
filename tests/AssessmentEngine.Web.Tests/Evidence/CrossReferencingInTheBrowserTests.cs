using System.Globalization;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>
/// An assessor counts a judged case study for the candidate's second SVQ unit in the browser, against a real server and
/// database, and opens that unit's record and the printable portfolio records; every page checked with axe-core.
/// </summary>
public sealed class CrossReferencingInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private string _baseUrl = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await SvqCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task The_assessor_ticks_the_second_units_statements_the_case_study_shows_and_its_record_and_the_printable_records_show_it()
    {
        var centre = await Centres.CentreAsync(_store, Random.Shared.Next(900000, 999999).ToString(CultureInfo.InvariantCulture));
        var (candidate, on7, on8) = await SvqCandidates.EnrolledOnBothAsync(_engine, centre, "SVB0001");
        var assessor = await Centres.StaffAsync(_store, centre, $"assessor{centre.Number}@example.org", Role.Assessor);
        var submissionId = await SvqCandidates.JudgedAsync(_store, on7, assessor.SignInName);

        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var desk = await context.NewPageAsync();
        await Browser.SignInStaffAsync(desk, _baseUrl, assessor.SignInName, Centres.Password);
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/evidence/{submissionId}");
        var form = desk.Locator("form.cross-referencing");
        await Expect(form.Locator("legend")).ToContainTextAsync($"The statements of {SvqCandidates.Unit8}");
        await AccessibilityCheck.CheckAsync(desk, "judged evidence that may count for another unit");
        await form.GetByLabel("8.1.2 describe how you would obtain authorisation", new() { Exact = false }).CheckAsync();
        await form.GetByLabel("8.2.1 explain relevant regulation", new() { Exact = false }).CheckAsync();
        await form.GetByLabel("How it shows them", new() { Exact = false }).FillAsync("The refund needed the manager's authority and followed consumer law.");
        await form.GetByRole(AriaRole.Button, new() { Name = $"Count version 1 for {SvqCandidates.Unit8}" }).ClickAsync();
        await Expect(desk.Locator(".notice")).ToContainTextAsync($"Version 1 counted for {SvqCandidates.Unit8}");
        await Expect(desk.Locator("p.cross-reference")).ToContainTextAsync($"Counted for {SvqCandidates.Unit8} (8.1.2, 8.2.1) by {assessor.SignInName}");
        await AccessibilityCheck.CheckAsync(desk, "evidence counted for another unit");

        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/enrolments/{on8.Id}/records");
        await Expect(desk.Locator("table.unit-record tr", new() { HasText = "8.1.2 " })).ToContainTextAsync($"Evidence from {SvqCandidates.Unit7}: {SvqCandidates.Brief7Title}");
        await desk.GetByRole(AriaRole.Link, new() { Name = "index of evidence" }).ClickAsync();
        await Expect(desk.Locator("table.evidence-index tr.piece")).ToContainTextAsync($"{SvqCandidates.Unit7}, {SvqCandidates.Unit8}");
        await AccessibilityCheck.CheckAsync(desk, "the index of evidence");
        await Browser.OpenAsync(desk, $"{_baseUrl}/evidence/enrolments/{on8.Id}/achievement");
        await Expect(desk.Locator("table.achievement td.tick")).ToHaveCountAsync(2);
        await AccessibilityCheck.CheckAsync(desk, "the element achievement record");
        Assert.Equal(candidate.Id, on8.CandidateId);
    }
}
