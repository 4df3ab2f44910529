using System.Collections.Concurrent;
using System.Globalization;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>
/// Submitted evidence as a candidate and an assessor do it, in the browser against a real server and database: a 30 MB PDF
/// report whose upload loses its connection part-way and resumes, a Word plan and a photograph, the words shown against
/// the brief's range, the declaration, the assessor's judgement per criterion with feedback, and a second version with the
/// first kept; every page checked with axe-core.
/// </summary>
public sealed class EvidenceInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private string _baseUrl = null!;
    private Centre _centre = null!;
    private IDocumentStore _store = null!;
    private readonly string _files = Directory.CreateTempSubdirectory("ae-evidence-").FullName;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(800000, 899999).ToString(CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_files, recursive: true);
    }

    private async Task<string> FileAsync(string name, byte[] content)
    {
        var path = Path.Combine(_files, name);
        await File.WriteAllBytesAsync(path, content);
        return path;
    }

    [Fact]
    public async Task A_report_survives_a_cut_connection_the_assessor_judges_each_criterion_and_the_candidate_resubmits_keeping_both_versions()
    {
        var (candidate, enrolment) = await EvidenceCandidates.EnrolAsync(_engine, _centre, "EVB0001", DateOnly.FromDateTime(DateTime.UtcNow));
        var briefPage = EvidenceCandidates.PageOf(enrolment);
        var report = await FileAsync("report.pdf", EvidenceSamples.Pdf(3_500, megabytes: 30));
        Assert.InRange(new FileInfo(report).Length, 30L * 1024 * 1024, 40L * 1024 * 1024);
        var plan = await FileAsync("plan.docx", EvidenceSamples.Docx(900));
        var photo = await FileAsync("display.png", EvidenceSamples.Png(40, 30));

        // CSP bypassed only so that axe-core can be injected for the checks.
        await using var candidateContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await candidateContext.NewPageAsync();
        await Browser.SignInCandidateAsync(page, _baseUrl, _centre.Number, candidate.CandidateNumber, Centres.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Your evidence" }).ClickAsync();
        await Browser.ArriveAsync(page, _baseUrl + "/candidate/evidence");
        await AccessibilityCheck.CheckAsync(page, "the candidate's evidence");
        await page.GetByRole(AriaRole.Link, new() { Name = "Portfolio report" }).First.ClickAsync();
        await Browser.ArriveAsync(page, _baseUrl + briefPage);
        await AccessibilityCheck.CheckAsync(page, "a brief, before any upload");

        // The connection goes when the third piece is on its way: that request is cut, and the network stays down while the
        // page retries; when it is back, the upload carries on from what the server holds, not from the start.
        var patches = new ConcurrentQueue<string>();
        var creations = 0;
        var failedWhileDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/evidence/uploads", StringComparison.Ordinal) && request.Method == "POST")
            {
                Interlocked.Increment(ref creations);
            }
        };
        page.RequestFailed += (_, request) =>
        {
            if (request.Url.Contains("/api/evidence/uploads/", StringComparison.Ordinal) && patches.Count >= 3)
            {
                failedWhileDown.TrySetResult();
            }
        };
        await page.RouteAsync("**/api/evidence/uploads/**", async route =>
        {
            if (route.Request.Method != "PATCH")
            {
                await route.ContinueAsync();
                return;
            }

            patches.Enqueue(route.Request.Headers.TryGetValue("upload-offset", out var offset) ? offset : "?");
            if (patches.Count == 3)
            {
                await candidateContext.SetOfflineAsync(true);
                await route.AbortAsync("internetdisconnected");
                return;
            }

            await route.ContinueAsync();
        });
        await page.Locator("#evidence-files").SetInputFilesAsync(report);
        await failedWhileDown.Task.WaitAsync(TimeSpan.FromSeconds(Browser.ExpectTimeout / 1000));
        await candidateContext.SetOfflineAsync(false);

        // Whole and checked, the page lists it in the draft: its words within the brief's range.
        var draft = page.Locator("table", new() { HasText = "Files in your draft" });
        await Expect(draft).ToContainTextAsync("report.pdf", new() { Timeout = 120_000 });
        await Expect(draft).ToContainTextAsync("3,500 words — within the 3,000 to 5,000 the brief asks for");
        Assert.Equal(1, creations);
        var offsets = patches.Select(o => long.Parse(o, CultureInfo.InvariantCulture)).ToList();
        var cutAt = offsets[2];
        Assert.True(cutAt > 0, $"the cut piece started at {cutAt}");
        Assert.True(offsets.Skip(3).First() == cutAt, $"after the cut the upload went on from {offsets.Skip(3).First()}, not from {cutAt}: {string.Join(", ", offsets)}");
        Assert.DoesNotContain(0L, offsets.Skip(1));
        await page.UnrouteAllAsync();

        // A Word plan and a photograph together; the plan's words are shown as short of the range.
        await page.Locator("#evidence-files").SetInputFilesAsync([plan, photo]);
        await Expect(draft).ToContainTextAsync("display.png", new() { Timeout = 60_000 });
        await Expect(draft).ToContainTextAsync("plan.docx");
        await Expect(draft).ToContainTextAsync("900 words — fewer than the 3,000 to 5,000 the brief asks for");
        await AccessibilityCheck.CheckAsync(page, "a brief with a draft");

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit to my assessor" }).ClickAsync();
        await Expect(page.Locator(".error-summary")).ToContainTextAsync("Tick the declaration");
        await page.GetByLabel("I declare that this is my own work", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit to my assessor" }).ClickAsync();
        await Expect(page.Locator(".notice").First).ToContainTextAsync("Submitted as version 1");

        // The assessor: the queue, the submission, a judgement per criterion and feedback.
        var assessor = await Centres.StaffAsync(_store, _centre, $"assessor{_centre.Number}@example.org", Role.Assessor);
        await using var assessorContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true, AcceptDownloads = true });
        var desk = await assessorContext.NewPageAsync();
        await Browser.SignInStaffAsync(desk, _baseUrl, assessor.SignInName, Centres.Password);
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/centres/{_centre.Id}");
        await desk.GetByRole(AriaRole.Link, new() { Name = "Evidence to judge" }).ClickAsync();
        await AccessibilityCheck.CheckAsync(desk, "the evidence queue");
        await desk.GetByRole(AriaRole.Link, new() { Name = $"Candidate EVB0001 ({candidate.CandidateNumber})", Exact = true }).ClickAsync();
        await Expect(desk.Locator("h1")).ToContainTextAsync("Portfolio report");
        await AccessibilityCheck.CheckAsync(desk, "judging a submission");
        var download = await desk.RunAndWaitForDownloadAsync(() => desk.GetByRole(AriaRole.Link, new() { Name = "plan.docx" }).ClickAsync());
        Assert.Equal("plan.docx", download.SuggestedFilename);
        Assert.Equal(await File.ReadAllBytesAsync(plan), await File.ReadAllBytesAsync(await download.PathAsync()));
        foreach (var criterion in await desk.Locator("fieldset.criterion").AllAsync())
        {
            var reference = await criterion.GetAttributeAsync("data-reference");
            if (reference == "4.2")
            {
                await criterion.GetByLabel("Not yet met", new() { Exact = true }).CheckAsync();
                await criterion.GetByLabel($"Comment on {reference}", new() { Exact = false }).FillAsync("Show your own organisation's figures.");
            }
            else
            {
                await criterion.GetByLabel("Met", new() { Exact = true }).CheckAsync();
            }
        }

        await desk.GetByLabel("Feedback to the candidate").FillAsync("A thorough report; 4.2 needs evidence from your own organisation.");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Record the judgement" }).ClickAsync();
        await Expect(desk.Locator(".notice")).ToContainTextAsync("Version 1 judged");

        // The centre's verifier finds the judgement in their sample (a criterion not met) and disagrees, saying why.
        var verifier = await Centres.StaffAsync(_store, _centre, $"verifier{_centre.Number}@example.org", Role.Verifier);
        await using var verifierContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var iv = await verifierContext.NewPageAsync();
        await Browser.SignInStaffAsync(iv, _baseUrl, verifier.SignInName, Centres.Password);
        await Browser.OpenAsync(iv, $"{_baseUrl}/verify/centres/{_centre.Id}");
        await Expect(iv.GetByRole(AriaRole.Heading, new() { Name = "Evidence judgements (1)" })).ToBeVisibleAsync();
        await AccessibilityCheck.CheckAsync(iv, "the verifier's sample with evidence");
        await iv.Locator($"a[href='/verify/evidence/{Submission.IdFor(enrolment.Id, EvidenceCandidates.Brief)}']").ClickAsync();
        await Expect(iv.Locator("p.sample").First).ToContainTextAsync("not every criterion met");
        await AccessibilityCheck.CheckAsync(iv, "verifying a judgement");
        await iv.GetByLabel("I disagree", new() { Exact = true }).CheckAsync();
        await iv.GetByLabel("Comment (needed when you disagree)").FillAsync("3.2 is met: the appendix shows it.");
        await iv.GetByRole(AriaRole.Button, new() { Name = "Record my verification" }).ClickAsync();
        await Expect(iv.Locator(".notice")).ToContainTextAsync("Your verification of version 1 is recorded.");
        await Expect(iv.Locator("p.verification")).ToContainTextAsync("disagrees with the judgement");
        await AccessibilityCheck.CheckAsync(iv, "a verified judgement");

        // The candidate reads the feedback, uploads a revised report and submits version 2; version 1 stays as it was.
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Expect(page.Locator("section.version").First).ToContainTextAsync("4.2: not yet met — Show your own organisation's figures.");
        var revised = await FileAsync("report-v2.docx", EvidenceSamples.Docx(3_900));
        await page.Locator("#evidence-files").SetInputFilesAsync(revised);
        await Expect(draft).ToContainTextAsync("report-v2.docx", new() { Timeout = 60_000 });
        await page.GetByLabel("I declare that this is my own work", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit to my assessor" }).ClickAsync();
        await Expect(page.Locator(".notice").First).ToContainTextAsync("Submitted as version 2");
        await Expect(page.Locator("section.version")).ToHaveCountAsync(2);
        await AccessibilityCheck.CheckAsync(page, "a brief with two versions");

        await using var query = _store.QuerySession();
        var submission = (await query.LoadAsync<Submission>(Submission.IdFor(enrolment.Id, EvidenceCandidates.Brief)))!;
        Assert.Equal(["display.png", "plan.docx", "report.pdf"], submission.Versions[0].Files.Select(f => f.Name).Order());
        Assert.Equal(["report-v2.docx"], submission.Versions[1].Files.Select(f => f.Name));
        Assert.Equal(new FileInfo(report).Length, submission.Versions[0].Files.Single(f => f.Name == "report.pdf").Bytes);
        Assert.NotNull(submission.Versions[0].Judgement);
    }

    [Fact]
    public async Task An_assignments_page_counts_down_its_sittings_clock_and_says_when_the_invigilator_pauses_it()
    {
        var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(ItemBank.BankFolder.RepositoryRoot, "itembank", "cg-4417-301")], ItemBank.BankFolder.RepositoryRoot);
        await AssessmentEngine.Web.Features.ItemBank.Importing.ImportItemBank.RunAsync(_store, bank, retireMissing: true,
            AssessmentEngine.Web.Features.ItemBank.Importing.ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        var officer = new AssessmentEngine.Web.Features.Identity.Registering.Acting("officer@example.org", "192.0.2.1");
        var invigilator = await Centres.StaffAsync(_store, _centre, $"inv{_centre.Number}@example.org", Role.Invigilator);
        var candidate = await Centres.CandidateAsync(_store, _centre, "EVB0002");
        Guid enrolmentId;
        AssessmentEngine.Web.Features.Sittings.Sitting sitting;
        using (var scope = _engine.Services.CreateScope())
        {
            var services = scope.ServiceProvider;
            await services.GetRequiredService<AssessmentEngine.Web.Features.Enrolments.Enrolling.EnrolCandidates>().HandleAsync(_centre.Id, "4417-03/301", [candidate.Id], officer);
            sitting = await services.GetRequiredService<AssessmentEngine.Web.Features.Sittings.Scheduling.ScheduleSitting>()
                .HandleAsync(_centre.Id, "4417-03/301", "Room 3", DateTimeOffset.UtcNow, 180, [invigilator.Id], officer);
            await services.GetRequiredService<AssessmentEngine.Web.Features.Sittings.BookingCandidates.BookCandidates>().HandleAsync(_centre.Id, sitting.Id, [candidate.Id], officer);
        }

        await using (var query = _store.QuerySession())
        {
            enrolmentId = (await query.Query<AssessmentEngine.Web.Features.Enrolments.Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id)).Id;
        }

        await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await context.NewPageAsync();
        await Browser.SignInCandidateAsync(page, _baseUrl, _centre.Number, candidate.CandidateNumber, Centres.Password);
        await Browser.OpenAsync(page, $"{_baseUrl}/candidate/evidence/{enrolmentId}/cg-4417-301-assignment");
        await Expect(page.Locator("#assignment-left")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^2:5\d:\d\d left$"));
        await Expect(page.Locator("#evidence-files")).ToBeEnabledAsync();
        await AccessibilityCheck.CheckAsync(page, "an assignment under way");

        // The invigilator pauses: within the next fetch of the clock the page shows it and says so.
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AssessmentEngine.Web.Features.Invigilation.Pausing.PauseCandidates>()
                .HandleAsync(sitting.Id, [candidate.Id], "Fire alarm", new AssessmentEngine.Web.Features.Invigilation.Invigilator(invigilator.Id, invigilator.SignInName));
        }

        // The page fetches the clock every 15 s: allow a busy machine a few of those.
        await Expect(page.Locator("#assignment-left")).ToContainTextAsync("Paused (", new() { Timeout = 90_000 });
        await Expect(page.Locator("#assignment-said")).ToHaveTextAsync("Your invigilator has paused the assignment.");
    }
}
