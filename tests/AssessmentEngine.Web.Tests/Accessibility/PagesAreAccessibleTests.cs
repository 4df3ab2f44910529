using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Awards.Registering;
using AssessmentEngine.Web.Features.Demo;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Tests.Awards;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AssessmentEngine.Web.Tests.Accessibility;

/// <summary>
/// Every page a person reaches, checked in the browser with axe-core against WCAG 2.1 A and AA, and at the width
/// that 200 % zoom leaves (640 CSS pixels of a 1280 screen) for content that would need scrolling sideways.
/// </summary>
public sealed class PagesAreAccessibleTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private string _baseUrl = null!;
    private Guid _centre;
    private Guid _candidate;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        await DemoData.SeedAsync(store, TimeProvider.System, CancellationToken.None);
        var bank = ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank", "fe6v35")], BankFolder.RepositoryRoot);
        await ImportItemBank.RunAsync(store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        await using var query = store.QuerySession();
        _centre = (await query.Query<Centre>().SingleAsync(c => c.Number == DemoData.CentreNumber)).Id;
        _candidate = (await query.Query<Candidate>().FirstAsync(c => c.CentreId == _centre && c.CandidateNumber == "DC0003")).Id;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Pages_before_sign_in_have_no_accessibility_violations()
    {
        var page = await NewPageAsync();
        await CheckAsync(page, "/signin");
        await CheckAsync(page, "/reset-password");
        await CheckAsync(page, "/denied");
    }

    [Fact]
    public async Task The_exam_officers_pages_have_no_accessibility_violations()
    {
        var page = await SignedInAsync($"officer@{DemoData.EmailDomain}");
        await CheckAsync(page, "/admin");
        await CheckAsync(page, $"/centres/{_centre}/candidates");
        await CheckAsync(page, $"/centres/{_centre}/candidates/{_candidate}");
        await CheckAsync(page, $"/centres/{_centre}/staff");
        await CheckAsync(page, $"/centres/{_centre}/audit");
        await CheckAsync(page, $"/centres/{_centre}/enrolments");
        await CheckAsync(page, $"/centres/{_centre}/sittings");
        await CheckAsync(page, $"/admin/centres/{_centre}/results");
        await CheckAsync(page, $"/admin/centres/{_centre}/reports");
    }

    [Fact]
    public async Task The_qualification_pages_have_no_accessibility_violations()
    {
        // DC0003 (large text) has met the rules of G8NN 24 and waits to be claimed; DC0007 (high contrast) has the mandatory units.
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        await SvqBank.ImportAsync(store);
        await using (var query = store.QuerySession())
        {
            var candidates = await query.Query<Candidate>().Where(c => c.CentreId == _centre && (c.CandidateNumber == "DC0003" || c.CandidateNumber == "DC0007")).ToListAsync();
            using var scope = _engine.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RegisterCandidates>().HandleAsync(_centre, SvqBank.Code, ["DC0003", "DC0007"], new("officer@example.org", "192.0.2.1"));
            foreach (var candidate in candidates)
            {
                var units = candidate.CandidateNumber == "DC0003" ? [.. SvqBank.Mandatory, .. SvqBank.SevenOptional] : SvqBank.Mandatory;
                foreach (var unit in units)
                {
                    await SvqBank.AchievedAsync(store, Guid.CreateVersion7(), candidate, unit, DateTimeOffset.UtcNow);
                }
            }
        }

        var officer = await SignedInAsync($"officer@{DemoData.EmailDomain}");
        await CheckAsync(officer, $"/centres/{_centre}/qualifications");
        foreach (var number in new[] { "DC0003", "DC0007" })
        {
            await CheckAsync(await CandidateSignedInAsync(number), "/candidate/award");
        }
    }

    [Fact]
    public async Task The_tutors_pages_have_no_accessibility_violations()
    {
        var page = await SignedInAsync($"tutor@{DemoData.EmailDomain}");
        await CheckAsync(page, "/tutor");
        await CheckAsync(page, "/tutor/unit?code=FE6V%2035");
        await CheckAsync(page, "/tutor/item?id=fe6v35-1.2-005");
    }

    [Fact]
    public async Task Staff_and_candidate_homes_have_no_accessibility_violations_in_any_display_mode()
    {
        foreach (var email in new[] { $"invigilator1@{DemoData.EmailDomain}", $"assessor1@{DemoData.EmailDomain}", $"verifier@{DemoData.EmailDomain}" })
        {
            var staff = await SignedInAsync(email);
            await CheckAsync(staff, new Uri(staff.Url).AbsolutePath);
        }

        var verifier = await SignedInAsync($"verifier@{DemoData.EmailDomain}");
        await CheckAsync(verifier, $"/verify/centres/{_centre}/exports");

        // DC0003 has large text, DC0007 high contrast: their pages open in those modes.
        foreach (var number in new[] { "DC0001", "DC0003", "DC0007" })
        {
            await CheckAsync(await CandidateSignedInAsync(number), "/candidate");
        }
    }

    [Fact]
    public async Task The_way_to_a_test_and_the_invigilators_sitting_have_no_accessibility_violations()
    {
        Sitting sitting;
        using (var scope = _engine.Services.CreateScope())
        {
            sitting = (await DemoData.TodaysSittingAsync(scope.ServiceProvider, TimeProvider.System, CancellationToken.None))!;
        }

        var invigilator = await SignedInAsync($"invigilator1@{DemoData.EmailDomain}");
        await CheckAsync(invigilator, $"/invigilate/sittings/{sitting.Id}");

        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var number in new[] { "DC0001", "DC0003", "DC0007" })
        {
            var candidate = await query.Query<Candidate>().FirstAsync(c => c.CentreId == _centre && c.CandidateNumber == number);
            var page = await CandidateSignedInAsync(number);
            await CheckAsync(page, "/candidate");
            await CheckAsync(page, $"/candidate/sittings/{sitting.Id}");
            var attempt = await AttemptBuilder.CheckedInAsync(_engine.Services, sitting, candidate);
            await CheckAsync(page, $"/candidate/attempts/{attempt.Id}"); // the waiting room
            await AttemptBuilder.AdmittedAsync(_engine.Services, sitting, candidate);
            await CheckAsync(page, $"/candidate/attempts/{attempt.Id}"); // the instructions
            using (var scope = _engine.Services.CreateScope())
            {
                var started = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
                await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(started, "candidate");
            }

            await CheckAsync(page, $"/candidate/attempts/{attempt.Id}/receipt");
        }

        await CheckAsync(invigilator, $"/invigilate/sittings/{sitting.Id}");
    }

    [Fact]
    public async Task Marking_and_verification_pages_have_no_accessibility_violations()
    {
        Sitting sitting;
        using (var scope = _engine.Services.CreateScope())
        {
            sitting = (await DemoData.TodaysSittingAsync(scope.ServiceProvider, TimeProvider.System, CancellationToken.None))!;
        }

        Guid attemptId;
        await using (var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var candidate = await query.Query<Candidate>().FirstAsync(c => c.CentreId == _centre && c.CandidateNumber == "DC0012");
            var started = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
            using var scope = _engine.Services.CreateScope();
            attemptId = (await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(started, "candidate")).Id;
        }

        var assessor = await SignedInAsync($"assessor1@{DemoData.EmailDomain}");
        await CheckAsync(assessor, $"/assess/centres/{_centre}");
        await CheckAsync(assessor, $"/assess/attempts/{attemptId}");
        var verifier = await SignedInAsync($"verifier@{DemoData.EmailDomain}");
        await CheckAsync(verifier, $"/verify/centres/{_centre}");
        await CheckAsync(verifier, $"/verify/attempts/{attemptId}");
        var tutor = await SignedInAsync($"tutor@{DemoData.EmailDomain}");
        await CheckAsync(tutor, "/tutor/unit?code=FE6V%2035");
    }

    [Fact]
    public async Task The_evidence_an_assessor_records_and_the_witness_page_have_no_accessibility_violations()
    {
        // Today's demo sitting enrols the demo candidates on FE6V 35 (as the marking test's does); one of those enrolments.
        using (var scope = _engine.Services.CreateScope())
        {
            await DemoData.TodaysSittingAsync(scope.ServiceProvider, TimeProvider.System, CancellationToken.None);
        }

        Guid enrolmentId, candidateId;
        await using (var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var enrolment = await query.Query<AssessmentEngine.Web.Features.Enrolments.Enrolment>().FirstAsync(e => e.CentreId == _centre && e.UnitCode == "FE6V 35");
            (enrolmentId, candidateId) = (enrolment.Id, enrolment.CandidateId);
        }

        var assessor = await SignedInAsync($"assessor1@{DemoData.EmailDomain}");
        await CheckAsync(assessor, $"/assess/centres/{_centre}/evidence");
        var records = $"/assess/enrolments/{enrolmentId}/records";
        await CheckAsync(assessor, records);

        // A witness testimony recorded through the form; the page with its link, and the witness's page, are checked too.
        await assessor.GetByLabel("Kind of evidence").SelectOptionAsync("WitnessTestimony");
        await assessor.GetByLabel("Date gathered").FillAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await assessor.GetByLabel("Activity or task").FillAsync("Serving customers at the counter");
        await assessor.GetByLabel("What was observed", new() { Exact = false }).FillAsync("Greeted every customer and resolved a refund.");
        await assessor.Locator("input[name=covers]").First.CheckAsync();
        await assessor.GetByLabel("Witness's name").FillAsync("Pat Manager");
        await assessor.GetByLabel("Their role").FillAsync("Supervisor");
        await assessor.GetByLabel("How they know the candidate").FillAsync("Line manager");
        await assessor.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        var link = assessor.GetByLabel("Witness's link");
        await Assertions.Expect(link).ToBeVisibleAsync();
        await assessor.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AccessibilityCheck.CheckAsync(assessor, "the records page with a witness's link");
        var witness = await NewPageAsync();
        await CheckAsync(witness, new Uri(await link.InputValueAsync()).AbsolutePath);

        // The printable portfolio records the records page links to, with the testimony as a piece of evidence.
        await CheckAsync(assessor, $"/evidence/candidates/{candidateId}/index");
        await CheckAsync(assessor, $"/evidence/enrolments/{enrolmentId}/achievement");
    }

    [Fact]
    public async Task The_platform_operators_and_invitation_pages_have_no_accessibility_violations()
    {
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        var platform = await Centres.OperatorAsync(store, $"operator{Random.Shared.Next()}@example.org");
        var page = await NewPageAsync();
        await Browser.SignInStaffAsync(page, _baseUrl, platform.SignInName, Centres.Password);
        await CheckAsync(page, "/operator");

        // Someone invited to a second centre sees the invitation on their page.
        var second = await Centres.CentreAsync(store, $"7{Random.Shared.Next(10000, 99999)}", "Second College");
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Features.Identity.Registering.CentreRegistry>().AddStaffAsync(second.Id, $"assessor2@{DemoData.EmailDomain}",
                "Daniel Okafor", [Role.Assessor], new AssessmentEngine.Web.Features.Identity.Registering.Acting("officer@example.org", "192.0.2.1"));
        }

        var invited = await SignedInAsync($"assessor2@{DemoData.EmailDomain}");
        await CheckAsync(invited, "/invitations");
        await CheckAsync(invited, "/");
    }

    [Fact]
    public async Task External_verification_pages_have_no_accessibility_violations()
    {
        Sitting sitting;
        using (var scope = _engine.Services.CreateScope())
        {
            sitting = (await DemoData.TodaysSittingAsync(scope.ServiceProvider, TimeProvider.System, CancellationToken.None))!;
        }

        // A test of the demo centre, marked and decided by its assessor; an external verifier of the centre samples it.
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        Centre centre;
        Guid attemptId;
        await using (var query = store.QuerySession())
        {
            centre = (await query.LoadAsync<Centre>(_centre))!;
            var candidate = await query.Query<Candidate>().FirstAsync(c => c.CentreId == _centre && c.CandidateNumber == "DC0014");
            var assessor = await query.Query<UserAccount>().SingleAsync(a => a.SignInName == $"assessor1@{DemoData.EmailDomain}");
            var (staff, claims) = (new Features.Marking.Staff(assessor.Id, assessor.SignInName), EngineClaims.For(assessor, "test", DateTimeOffset.UtcNow));
            using var scope = _engine.Services.CreateScope();
            var submitted = await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate), "candidate");
            attemptId = submitted.Id;
            var marked = await scope.ServiceProvider.GetRequiredService<Features.Marking.MarkedAttempts>().LoadAsync(attemptId, Role.Assessor, claims);
            foreach (var item in marked.Items.Values.Where(i => i.Type == ItemType.Extended))
            {
                await scope.ServiceProvider.GetRequiredService<Features.Marking.MarkingResponses.MarkResponse>().HandleAsync(attemptId, item.Id, 1, "partly", staff, claims);
            }

            await scope.ServiceProvider.GetRequiredService<Features.Marking.Deciding.RecordDecision>().HandleAsync(attemptId, Features.Attempts.Decisions.Competent, "Meets every outcome", staff, claims);
        }

        var verifierAccount = await Centres.StaffAsync(store, centre, $"ev{Random.Shared.Next(1000, 9999)}@{DemoData.EmailDomain}", Role.ExternalVerifier);
        var verifier = await NewPageAsync();
        await Browser.SignInStaffAsync(verifier, _baseUrl, verifierAccount.SignInName, Centres.Password);
        await CheckAsync(verifier, "/external");
        await CheckAsync(verifier, $"/external/centres/{_centre}");
        await CheckAsync(verifier, $"/external/centres/{_centre}/samples/attempt/{attemptId}");
        using (var scope = _engine.Services.CreateScope())
        {
            var user = EngineClaims.For(verifierAccount, "test", DateTimeOffset.UtcNow);
            await scope.ServiceProvider.GetRequiredService<Features.ExternalVerification.Recording.RecordExternalSample>().HandleAsync(_centre,
                Features.ExternalVerification.SampleKind.TestAttempt, attemptId, 0, "disagree", "The marks for outcome 2 are generous",
                [new("Second-mark outcome 2", DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))], user);
            await CheckAsync(verifier, $"/external/centres/{_centre}"); // with the draft
            await scope.ServiceProvider.GetRequiredService<Features.ExternalVerification.Issuing.IssueExternalReport>().HandleAsync(_centre, "One decision sampled", user);
        }

        await CheckAsync(verifier, $"/external/centres/{_centre}"); // with the report issued
        var officer = await SignedInAsync($"officer@{DemoData.EmailDomain}");
        await CheckAsync(officer, $"/centres/{_centre}/external-verification");
    }

    private async Task<IPage> CandidateSignedInAsync(string number)
    {
        var page = await NewPageAsync();
        await Browser.OpenAsync(page, _baseUrl + "/signin");
        await page.GetByLabel("Centre number").FillAsync(DemoData.CentreNumber);
        await page.GetByLabel("Candidate number").FillAsync(number);
        await page.GetByLabel("Password or sign-in code").FillAsync(DemoData.CandidatePassword);
        await page.GetByLabel("Password or sign-in code").PressAsync("Enter");
        await Browser.ArriveAsync(page, _baseUrl + "/candidate");
        return page;
    }

    private async Task<IPage> NewPageAsync()
    {
        // axe is injected as a script; the engine's CSP rightly forbids that, so the check's own context bypasses it.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    private async Task<IPage> SignedInAsync(string email)
    {
        var page = await NewPageAsync();
        await Browser.SignInStaffAsync(page, _baseUrl, email, DemoData.StaffPassword);
        return page;
    }

    private async Task CheckAsync(IPage page, string path)
    {
        var response = await Browser.OpenAsync(page, _baseUrl + path);
        Assert.True(response?.Ok, $"{path} answered {response?.Status}");
        Assert.True(page.Url == _baseUrl + path, $"{path} went on to {page.Url}: the page checked would not be the one asked for");
        // axe checks the page its scripts have finished building: their scripts have run by DOMContentLoaded, and what
        // they fetch has come once the network is idle. Not the load event: on a busy machine the invigilator's page once
        // never reported it in 60 s although the network had long been idle.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AccessibilityCheck.CheckAsync(page, path);
    }
}
