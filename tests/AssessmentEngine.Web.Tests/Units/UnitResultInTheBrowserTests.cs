using System.Globalization;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Tests.Evidence;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using netDumbster.smtp;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Units;

/// <summary>
/// An FE6V 35 candidate's unit from enrolment to their result, in the browser against a real server, database and mail
/// server: the online test, a submitted report, the assessor's marks and judgement, the unit decision signed, the internal
/// verifier's countersignature, the exam officer's release, the email, and the candidate reading their result, feedback
/// and record of achievement; every new page checked with axe-core.
/// </summary>
public sealed class UnitResultInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private const string Unit = "FE6V 35";
    private const string Brief = "fe6v35-report-and-plan";
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private readonly string _files = Directory.CreateTempSubdirectory("ae-unit-").FullName;
    private SimpleSmtpServer _mail = null!;
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private string _baseUrl = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        var port = EngineProcess.FreePort();
        _mail = SimpleSmtpServer.Start(port);
        _engine = new EngineFactory(database.ConnectionString, roles: "web")
            .WithSetting("Notifications:Sender", "smtp")
            .WithSetting("Notifications:Smtp:Host", "127.0.0.1")
            .WithSetting("Notifications:Smtp:Port", port.ToString(CultureInfo.InvariantCulture))
            .WithSetting("Notifications:Smtp:Security", "none")
            .WithSetting("Notifications:Smtp:From", "Test Centre <exams@test-centre.example>");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(300000, 399999).ToString(CultureInfo.InvariantCulture));
        // The real FE6V 35 bank with a short blueprint: four questions marked by the engine and one written answer for the assessor.
        using var copy = BankFolder.CopyOfTheRealBank();
        var blueprint = Path.Combine(copy.Root, "fe6v35", "test.md");
        var text = await File.ReadAllTextAsync(blueprint);
        var sections = text.IndexOf("sections:", StringComparison.Ordinal);
        var end = text.IndexOf("\n---", sections, StringComparison.Ordinal);
        const string Short = "\n  - outcome: 1\n    items: 2\n    types: [single]\n  - outcome: 1\n    items: 1\n    types: [extended]\n  - outcome: 2\n    items: 2\n    types: [single]";
        await File.WriteAllTextAsync(blueprint, text[..sections] + "sections:" + Short + text[end..]);
        var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(copy.Root, "fe6v35")], copy.Root);
        Assert.False(bank.HasErrors, string.Join("\n", bank.Diagnostics));
        await ImportItemBank.RunAsync(_store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _mail.Dispose();
        Directory.Delete(_files, recursive: true);
    }

    [Fact]
    public async Task An_FE6V_35_candidate_goes_from_enrolment_through_the_test_and_a_report_to_a_countersigned_released_result_they_read()
    {
        // Enrolled, with an email address, a window from today and a sitting booked now.
        var candidate = await Centres.CandidateAsync(_store, _centre, "UNR0001");
        candidate = candidate with { Email = "unr0001@learner.example" };
        await using (var session = _store.LightweightSession())
        {
            session.Store(candidate);
            await session.SaveChangesAsync();
        }

        await Service<EnrolCandidates>().HandleAsync(_centre.Id, Unit, [candidate.Id], Officer);
        Enrolment enrolment;
        await using (var query = _store.QuerySession())
        {
            enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id);
        }

        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Service<AgreeWindow>().HandleAsync(_centre.Id, enrolment.Id, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(startsAt, _centre.Zone).DateTime), "the candidate and their assessor", Officer);
        var invigilator = await Centres.StaffAsync(_store, _centre, $"inv{_centre.Number}@example.org", Role.Invigilator);
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, Unit, "Room 1", startsAt, 60, [invigilator.Id], Officer);
        await Service<BookCandidates>().HandleAsync(_centre.Id, sitting.Id, [candidate.Id], Officer);
        var attemptId = CheckIn.IdFor(sitting.Id, candidate.Id);

        // The candidate: nothing started yet; checks in, is admitted, answers every question and submits.
        await using var candidateContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var page = await candidateContext.NewPageAsync();
        await Browser.SignInCandidateAsync(page, _baseUrl, _centre.Number, candidate.CandidateNumber, Centres.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Your units" }).ClickAsync();
        await Browser.ArriveAsync(page, _baseUrl + "/candidate/units");
        await Expect(UnitRow(page)).ToContainTextAsync("Not started");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Your results");
        await AccessibilityCheck.CheckAsync(page, "the candidate's units");
        await Browser.OpenAsync(page, _baseUrl + "/candidate");
        await page.GetByRole(AriaRole.Link, new() { Name = "Check in" }).ClickAsync();
        await page.GetByLabel("Access code").FillAsync(sitting.AccessCode!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Waiting to be admitted");
        await Service<AdmitCandidate>().AdmitAsync(sitting.Id, candidate.Id, identityChecked: true, invigilator.Id, "invigilator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the test" }).ClickAsync();
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{attemptId}/test");
        await Expect(page.Locator("#q1")).ToBeVisibleAsync();
        var types = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('section.question'), s => s.dataset.type)");
        Assert.Equal(5, types.Length);
        for (var number = 1; number <= types.Length; number++)
        {
            var question = page.Locator($"#q{number}");
            await Expect(question).ToBeVisibleAsync();
            if (types[number - 1] == "extended")
            {
                await question.GetByLabel("Your answer").FillAsync(string.Join(" ", Enumerable.Range(1, 20).Select(i =>
                    $"Point {i}: the council sets service levels for calls and complaints and tells residents what to expect.")));
            }
            else
            {
                await question.Locator("input[type=radio]").First.CheckAsync();
            }

            var next = question.GetByRole(AriaRole.Link, new() { Name = "Next" });
            await (await next.CountAsync() > 0 ? next : question.GetByRole(AriaRole.Link, new() { Name = "Review your answers" })).ClickAsync();
        }

        await Expect(page.Locator("#review-summary")).ToHaveTextAsync($"You have answered {types.Length} of {types.Length} questions.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, submit my answers" }).ClickAsync();
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{attemptId}/receipt");

        // Then the report and plan, submitted with the declaration.
        await Browser.OpenAsync(page, $"{_baseUrl}/candidate/evidence/{enrolment.Id}/{Brief}");
        var report = Path.Combine(_files, "report.docx");
        await File.WriteAllBytesAsync(report, EvidenceSamples.Docx(3_200));
        await page.Locator("#evidence-files").SetInputFilesAsync(report);
        await Expect(page.Locator("table", new() { HasText = "Files in your draft" })).ToContainTextAsync("report.docx", new() { Timeout = 60_000 });
        await page.GetByLabel("I declare that this is my own work", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit to my assessor" }).ClickAsync();
        await Expect(page.Locator(".notice").First).ToContainTextAsync("Submitted as version 1");
        await Browser.OpenAsync(page, _baseUrl + "/candidate/units");
        await Expect(UnitRow(page)).ToContainTextAsync("Waiting for your assessor");

        // The assessor: the unit cannot be decided while the written answer and the report wait.
        var assessor = await Centres.StaffAsync(_store, _centre, $"assessor{_centre.Number}@example.org", Role.Assessor);
        await using var assessorContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var desk = await assessorContext.NewPageAsync();
        await Browser.SignInStaffAsync(desk, _baseUrl, assessor.SignInName, Centres.Password);
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/enrolments/{enrolment.Id}/decision");
        await Expect(desk.Locator("ul.missing")).ToContainTextAsync("response(s) to mark");
        await Expect(desk.Locator("ul.missing")).ToContainTextAsync("waits for judgement");
        await AccessibilityCheck.CheckAsync(desk, "a unit decision, not ready");
        await DecideAsync(desk, "Competent", "The test and the report show every outcome.");
        await Expect(desk.Locator(".error-summary")).ToContainTextAsync("Not everything is in yet");

        // Marks the written answer, judges every criterion of the report met, then decides: competent, signing the record.
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/attempts/{attemptId}");
        var written = Array.IndexOf(types, "extended") + 1;
        await desk.GetByLabel("Mark (0 to", new() { Exact = false }).FillAsync("6");
        await desk.GetByRole(AriaRole.Button, new() { Name = $"Save the mark for question {written}" }).ClickAsync();
        await Expect(desk.Locator(".notice, [role=status]").First).ToBeVisibleAsync();
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/evidence/{Submission.IdFor(enrolment.Id, Brief)}");
        foreach (var criterion in await desk.Locator("fieldset.criterion").AllAsync())
        {
            await criterion.GetByLabel("Met", new() { Exact = true }).CheckAsync();
        }

        await desk.GetByLabel("Feedback to the candidate").FillAsync("A clear analysis of your council's service levels and a workable plan.");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Record the judgement" }).ClickAsync();
        await Expect(desk.Locator(".notice")).ToContainTextAsync("Version 1 judged");
        await Browser.OpenAsync(desk, $"{_baseUrl}/assess/enrolments/{enrolment.Id}/decision");
        await Expect(desk.Locator("#informs + p")).ToContainTextAsync("Every one of the unit's 10 statements has evidence");
        await DecideAsync(desk, "Competent", "The test (both outcomes) and the report and plan meet every criterion of the unit.");
        await Expect(desk.Locator(".notice")).ToContainTextAsync("Competent recorded");
        await Expect(desk.Locator("article.unit-decision")).ToContainTextAsync("In the internal verifier's sample");
        await AccessibilityCheck.CheckAsync(desk, "a decided unit");

        // Before the countersignature the exam officer cannot release it, and the candidate sees it decided but not the decision.
        var officer = await Centres.StaffAsync(_store, _centre, $"officer{_centre.Number}@example.org", Role.Admin);
        await using var officerContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var office = await officerContext.NewPageAsync();
        await Browser.SignInStaffAsync(office, _baseUrl, officer.SignInName, Centres.Password);
        await Browser.OpenAsync(office, _baseUrl + "/admin");
        await office.GetByRole(AriaRole.Link, new() { Name = "Unit results", Exact = true }).ClickAsync();
        await Browser.ArriveAsync(office, $"{_baseUrl}/admin/centres/{_centre.Id}/results");
        await AccessibilityCheck.CheckAsync(office, "the centre's unit results");
        await office.GetByLabel($"Choose {candidate.Name}, {Unit}").CheckAsync();
        await office.GetByRole(AriaRole.Button, new() { Name = "Release the chosen results now" }).ClickAsync();
        await Expect(office.Locator(".notice")).ToContainTextAsync("0 result(s) released");
        await Expect(office.Locator(".notice")).ToContainTextAsync("release it once it is countersigned");
        await Browser.OpenAsync(page, _baseUrl + "/candidate/units");
        await Expect(UnitRow(page)).ToContainTextAsync("Decided: your centre will release your result");
        await Browser.OpenAsync(page, $"{_baseUrl}/candidate/units/{enrolment.Id}");
        await Expect(page.Locator("main")).ToContainTextAsync("Your centre has not released a result for this unit yet.");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Competent");

        // The internal verifier finds it in the sample and countersigns.
        var verifier = await Centres.StaffAsync(_store, _centre, $"verifier{_centre.Number}@example.org", Role.Verifier);
        await using var verifierContext = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        var iv = await verifierContext.NewPageAsync();
        await Browser.SignInStaffAsync(iv, _baseUrl, verifier.SignInName, Centres.Password);
        await Browser.OpenAsync(iv, $"{_baseUrl}/verify/centres/{_centre.Id}");
        await iv.GetByRole(AriaRole.Link, new() { Name = "Unit decisions to countersign" }).ClickAsync();
        await AccessibilityCheck.CheckAsync(iv, "the unit decisions to countersign");
        await iv.Locator("ul.to-countersign").GetByRole(AriaRole.Link).ClickAsync();
        await Browser.ArriveAsync(iv, $"{_baseUrl}/verify/enrolments/{enrolment.Id}/decision");
        await AccessibilityCheck.CheckAsync(iv, "countersigning a unit");
        await iv.GetByLabel("I agree and countersign the unit progress record").CheckAsync();
        await iv.GetByLabel("Comment").FillAsync("Sampled the test marks and the report: the decision is sound.");
        await iv.GetByRole(AriaRole.Button, new() { Name = "Record my countersignature" }).ClickAsync();
        await Expect(iv.Locator(".notice")).ToContainTextAsync("Countersigned.");
        await Expect(iv.Locator("p.verification")).ToContainTextAsync($"Countersigned by {verifier.SignInName}");

        // The exam officer releases it; the candidate is emailed.
        await office.ReloadAsync();
        await office.GetByLabel($"Choose {candidate.Name}, {Unit}").CheckAsync();
        await office.GetByRole(AriaRole.Button, new() { Name = "Release the chosen results now" }).ClickAsync();
        await Expect(office.Locator(".notice")).ToContainTextAsync("1 result(s) released");
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SendNotificationsJob>().RunAsync(CancellationToken.None);
        }

        var mail = Assert.Single(_mail.ReceivedEmail, m => m.Headers["Subject"] == $"Your result for unit {Unit} is ready");
        Assert.Equal("unr0001@learner.example", Assert.Single(mail.ToAddresses).Address);
        Assert.DoesNotContain("Competent", mail.MessageParts[0].BodyData, StringComparison.OrdinalIgnoreCase); // what it says stays behind the sign-in

        // The candidate's home says where the unit stands; they read the result, the feedback per criterion and what comes
        // next, and their record of achievement.
        await Browser.OpenAsync(page, _baseUrl + "/candidate");
        await Expect(page.Locator("ul.unit-statuses")).ToContainTextAsync($"{Unit} Promoting Excellent Customer Service within a Public Sector Organisation: Competent");
        await Browser.OpenAsync(page, _baseUrl + "/candidate/units");
        await Expect(UnitRow(page)).ToContainTextAsync("Competent");
        await page.GetByRole(AriaRole.Link, new() { Name = $"{Unit} Promoting Excellent Customer Service", Exact = false }).ClickAsync();
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/units/{enrolment.Id}");
        await Expect(page.Locator("p.result-decision")).ToContainTextAsync($"Competent, decided by your assessor {assessor.SignInName}");
        await Expect(page.Locator("p.result-decision")).ToContainTextAsync($"countersigned by your internal verifier {verifier.SignInName}");
        await Expect(page.Locator("p.justification")).ToHaveTextAsync("The test (both outcomes) and the report and plan meet every criterion of the unit.");
        await Expect(page.Locator("ul.criteria li")).ToHaveCountAsync(10);
        await Expect(page.Locator("ul.criteria")).ToContainTextAsync("2.5 (Recommend improvements");
        await Expect(page.Locator("body")).ToContainTextAsync("A clear analysis of your council's service levels");
        await Expect(page.Locator("body")).ToContainTextAsync(" of 12 marks");
        await AccessibilityCheck.CheckAsync(page, "the candidate's result");
        await page.GetByRole(AriaRole.Link, new() { Name = "record of achievement" }).ClickAsync();
        await Browser.ArriveAsync(page, _baseUrl + "/candidate/record");
        await Expect(page.Locator("table.record tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.record")).ToContainTextAsync(verifier.SignInName);
        await AccessibilityCheck.CheckAsync(page, "the record of achievement");
    }

    private static ILocator UnitRow(IPage page) => page.Locator("tr", new() { Has = page.Locator($"th:text-is('{Unit} Promoting Excellent Customer Service within a Public Sector Organisation')") });

    private static async Task DecideAsync(IPage desk, string decision, string justification)
    {
        await desk.GetByLabel(decision, new() { Exact = true }).CheckAsync();
        await desk.GetByLabel("Justification").FillAsync(justification);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Record the decision and sign the unit progress record" }).ClickAsync();
    }

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();
}
