using System.Globalization;
using AssessmentEngine.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AssessmentEngine.Web.Tests.Reports;

/// <summary>The centre's reports in a browser against a real server: reached from the exam officer's home, accessible, and readable at 200 % zoom.</summary>
public sealed class CentreReportsInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private string _baseUrl = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task The_page_reads_at_200_percent_zoom_without_sideways_scrolling()
    {
        var mix = await CentreReportMix.BuildAsync(_engine);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await Browser.SignInStaffAsync(page, _baseUrl, mix.Admin.SignInName, Centres.Password);
        await Browser.OpenAsync(page, _baseUrl + "/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports", Exact = true }).ClickAsync();
        await Browser.ArriveAsync(page, _baseUrl + $"/admin/centres/{mix.Centre.Id}/reports");
        await AccessibilityCheck.CheckAsync(page, "the centre's reports");

        await page.SetViewportSizeAsync(640, 800);
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "Candidates by unit status.", Exact = false })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the reports page scrolls sideways at 200 % zoom");
        // Every part of every bar is labelled with its number, inside the chart's width.
        var labels = await page.Locator("svg[role=img] text[text-anchor=middle]").AllTextContentsAsync();
        Assert.Equal(12, labels.Sum(l => int.Parse(l, CultureInfo.InvariantCulture)));
        var title = await page.Locator("#status-chart-title").TextContentAsync();
        Assert.Contains("1 released not yet competent", title, StringComparison.Ordinal);
        // A wide table scrolls inside its own labelled, focusable container rather than the page.
        var wrap = page.GetByRole(AriaRole.Region, new() { Name = "Candidates not yet competent, with their plans", Exact = false });
        Assert.Equal("0", await wrap.GetAttributeAsync("tabindex"));
    }
}
