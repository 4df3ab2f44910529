using System.Globalization;
using System.Net;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Uploading;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Submitted evidence through the engine's upload protocol, pages and downloads, on the real database and a fake clock.</summary>
public sealed class EvidenceSubmissionTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Portfolio = EvidenceCandidates.Brief;
    private const string PortfolioUnit = EvidenceCandidates.Unit;
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(500000, 599999).ToString(CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private PageClient Client() => EvidenceCandidates.Client(_engine);

    /// <summary>A candidate enrolled on 305/695 with a window agreed from today, signed in.</summary>
    private async Task<(Candidate Candidate, Enrolment Enrolment, PageClient Browser, string Page)> EnrolledAsync(string number)
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, number, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime));
        return (enrolled.Candidate, enrolled.Enrolment, enrolled.Browser, enrolled.Page);
    }

    private async Task<PageClient> StaffAsync(string email, Centre centre, Role role) => (await EvidenceCandidates.StaffAsync(_engine, centre, email, role)).Browser;

    private async Task<Submission?> SubmissionAsync(Guid enrolmentId)
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<Submission>(Submission.IdFor(enrolmentId, Portfolio));
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task A_report_goes_up_in_pieces_resumes_from_the_offset_the_server_holds_is_submitted_judged_and_resubmitted_keeping_both_versions()
    {
        var (candidate, enrolment, browser, page) = await EnrolledAsync("EVD0001");
        async Task<string> UnitStandsAsync() =>
            System.Text.RegularExpressions.Regex.Match(await browser.GetPageAsync("/candidate/units"), "<th scope=\"row\">305/695 [^<]*</th><td>([^<]*)</td>").Groups[1].Value;
        Assert.Equal("Not started", await UnitStandsAsync());
        var tus = await TusClient.ForPageAsync(browser.Http, page);
        var report = EvidenceSamples.Docx(3_500);

        // Two pieces arrive; a third claims the wrong offset (a client that lost its place) and is told where the file ends.
        using var created = await tus.CreateAsync("My report.docx", report.Length, enrolment.Id, Portfolio);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        var piece = (report.Length / 3) + 1;
        using (var first = await tus.PatchAsync(location, 0, report.AsMemory(0, piece)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using (var wrong = await tus.PatchAsync(location, 0, report.AsMemory(0, piece)))
        {
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
            Assert.Equal(piece.ToString(CultureInfo.InvariantCulture), wrong.Headers.GetValues("Upload-Offset").Single());
        }

        Assert.Equal(piece, await tus.OffsetAsync(location));
        Assert.Null(await SubmissionAsync(enrolment.Id)); // nothing joins the draft until the file is whole
        using (var rest = await tus.PatchAsync(location, piece, report.AsMemory(piece)))
        {
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        }

        var draft = (await SubmissionAsync(enrolment.Id))!;
        var file = Assert.Single(draft.Draft);
        Assert.Equal((EvidenceKind.Docx, 3_500, (long)report.Length, "My report.docx"), (file.Kind, file.Words!.Value, file.Bytes, file.Name));
        Assert.Contains("3,500 words — within the 3,000 to 5,000 the brief asks for", WebUtility.HtmlDecode(await browser.GetPageAsync(page)), StringComparison.Ordinal);

        // Submitting needs the declaration.
        using (var undeclared = await browser.PostFormAsync(page, $"{page}?handler=Submit", []))
        {
            Assert.Contains("Tick the declaration", await undeclared.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("Submitted as version 1", await EvidenceCandidates.SubmitAsync(browser, page), StringComparison.Ordinal);
        Assert.Equal("Waiting for your assessor", await UnitStandsAsync());

        // While version 1 waits for the assessor, nothing more goes up.
        using (var meanwhile = await tus.CreateAsync("extra.docx", report.Length, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.Conflict, meanwhile.StatusCode);
            Assert.Contains("waiting for your assessor", await ProblemAsync(meanwhile), StringComparison.Ordinal);
        }

        // The assessor finds it in the queue, downloads it as the candidate sent it, and must judge every criterion.
        using var assessor = await StaffAsync($"assessor{_centre.Number}@example.org", _centre, Role.Assessor);
        Assert.Contains($"/assess/evidence/{draft.Id}", await assessor.GetPageAsync($"/assess/centres/{_centre.Id}/evidence"), StringComparison.Ordinal);
        using (var download = await assessor.Http.GetAsync(new Uri($"/evidence/submissions/{draft.Id}/files/{file.Id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(report, await download.Content.ReadAsByteArrayAsync());
        }

        var judging = $"/assess/evidence/{draft.Id}";
        var covers = new[] { "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2" };
        IEnumerable<KeyValuePair<string, string>> Judgement(Func<string, bool> met, string comment) =>
            covers.SelectMany(c => new KeyValuePair<string, string>[] { new($"met:{c}", met(c) ? "met" : "not-yet"), new($"comment:{c}", met(c) ? "" : comment) })
                .Append(new("version", "1")).Append(new("feedback", "A thorough report; 4.2 needs your own organisation's figures."));
        using (var partial = await assessor.PostFormAsync(judging, $"{judging}?handler=Judge", Judgement(c => c != "4.2", "").Where(f => f.Key != "met:3.6")))
        {
            Assert.Contains("3.6 not judged", await partial.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var bare = await assessor.PostFormAsync(judging, $"{judging}?handler=Judge", Judgement(c => c != "4.2", "")))
        {
            Assert.Contains("Say what is missing for 4.2", WebUtility.HtmlDecode(await bare.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using (var judged = await assessor.PostFormAsync(judging, $"{judging}?handler=Judge", Judgement(c => c != "4.2", "Use your organisation's own complaint figures.")))
        {
            Assert.Contains("Version 1 judged", await judged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("In progress", await UnitStandsAsync());

        // The candidate is told there is feedback (by the outbox), and reads it; then resubmits: a second version, the first kept as it was.
        await using (var outbox = _store.QuerySession())
        {
            var told = await outbox.LoadAsync<AssessmentEngine.Web.Features.Notifications.Notification>($"evidence-feedback/{draft.Id}/1");
            Assert.Equal(candidate.Id, told!.CandidateId);
            Assert.Contains("your assessor has given feedback on version 1", told.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("complaint figures", told.Body, StringComparison.Ordinal);
        }

        var feedback = WebUtility.HtmlDecode(await browser.GetPageAsync(page));
        Assert.Contains("4.2: not yet met", feedback, StringComparison.Ordinal);
        Assert.Contains("Use your organisation's own complaint figures.", feedback, StringComparison.Ordinal);
        var revised = EvidenceSamples.Docx(4_200);
        using (var again = await tus.UploadAsync("My report v2.docx", revised, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        Assert.Contains("Submitted as version 2", await EvidenceCandidates.SubmitAsync(browser, page), StringComparison.Ordinal);

        // The unit record reads the judgement: 15 criteria met, 4.2 the one gap, version 2 waiting.
        var record = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/enrolments/{enrolment.Id}/records"));
        Assert.Contains("1 of 16 statements have nothing showing them yet", record, StringComparison.Ordinal);
        Assert.Contains("version 1: not yet met (Use your organisation's own complaint figures.)", record, StringComparison.Ordinal);
        Assert.Contains("version 2: waiting for judgement", record, StringComparison.Ordinal);

        var both = (await SubmissionAsync(enrolment.Id))!;
        Assert.Equal([1, 2], both.Versions.Select(v => v.Number));
        Assert.Equal(["My report.docx"], both.Versions[0].Files.Select(f => f.Name));
        Assert.Equal(["My report v2.docx"], both.Versions[1].Files.Select(f => f.Name));
        Assert.NotNull(both.Versions[0].Judgement);
        Assert.Null(both.Versions[1].Judgement);
        Assert.All(both.Versions, v => Assert.Equal(SubmissionDecisions.Declaration, v.Declaration));
        Assert.Equal(2, await StoredEvents.CountAsync(database.ConnectionString, both.Id, "evidence_submitted"));
        using var firstStill = await browser.Http.GetAsync(new Uri($"/evidence/submissions/{both.Id}/files/{file.Id}", UriKind.Relative));
        Assert.Equal(report, await firstStill.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_page_of_html_named_report_pdf_is_refused_with_a_clear_message_and_nothing_of_it_is_kept()
    {
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0002");
        var tus = await TusClient.ForPageAsync(browser.Http, page);
        var html = EvidenceSamples.Text("<!DOCTYPE html><html><body><script>fetch('/api/attempts')</script>My report</body></html>");

        using var created = await tus.CreateAsync("report.pdf", html.Length, enrolment.Id, Portfolio);
        var location = created.Headers.Location!.ToString();
        using var refused = await tus.PatchAsync(location, 0, html);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("report.pdf was not accepted: The file holds a web page, an SVG drawing or a script", await ProblemAsync(refused), StringComparison.Ordinal);
        Assert.Null(await SubmissionAsync(enrolment.Id));
        Assert.Equal(0, await Service<IEvidenceFileStore>().LengthAsync(Guid.Parse(location.Split('/')[^1]), CancellationToken.None));
        await using var query = _store.QuerySession();
        Assert.False(await query.Query<EvidenceUpload>().AnyAsync(u => u.EnrolmentId == enrolment.Id));
    }

    [Fact]
    public async Task An_empty_or_oversized_file_a_brief_that_does_not_exist_and_a_missing_token_are_refused_with_what_to_do()
    {
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0003");
        var tus = await TusClient.ForPageAsync(browser.Http, page);

        using (var empty = await tus.CreateAsync("report.pdf", 0, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("report.pdf is empty", await ProblemAsync(empty), StringComparison.Ordinal);
        }

        using (var huge = await tus.CreateAsync("film.mp4", 201L * 1024 * 1024, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
            Assert.Contains("a file may be at most 200 MB", await ProblemAsync(huge), StringComparison.Ordinal);
        }

        using (var unknown = await tus.CreateAsync("report.pdf", 10, enrolment.Id, "no-such-brief"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("has no brief called 'no-such-brief'", await ProblemAsync(unknown), StringComparison.Ordinal);
        }

        using (var tokenless = await new TusClient(browser.Http, "not-a-token").CreateAsync("report.pdf", 10, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tokenless.StatusCode);
            Assert.Contains("security token", await ProblemAsync(tokenless), StringComparison.Ordinal);
        }

        Assert.Null(await SubmissionAsync(enrolment.Id));
    }

    [Fact]
    public async Task After_the_window_closes_uploads_and_submitting_are_refused_with_the_reason_until_the_centre_extends_it()
    {
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0004");
        var tus = await TusClient.ForPageAsync(browser.Http, page);
        using (var early = await tus.UploadAsync("plan.pdf", EvidenceSamples.Pdf(200), enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.NoContent, early.StatusCode);
        }

        // Weeks later the candidate signs in again, after the window has closed.
        _clock.SetUtcNow(enrolment.Window!.Closes.AddMinutes(1));
        browser.Dispose();
        browser = await EvidenceCandidates.SignedInAsync(_engine, _centre, "EVD0004");

        // The page offers no upload now; a client that still tries (an old tab) is refused with the reason.
        Assert.DoesNotContain("data-token", await browser.GetPageAsync(page), StringComparison.Ordinal);
        tus = new TusClient(browser.Http, (await browser.TokenOnAsync(page))!);
        using (var late = await tus.CreateAsync("report.pdf", 1_000, enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Contains($"Your assessment window for {PortfolioUnit} closed", await ProblemAsync(late), StringComparison.Ordinal);
        }

        using (var submitting = await browser.PostFormAsync(page, $"{page}?handler=Submit", [new("declared", "true")]))
        {
            Assert.Contains($"Your assessment window for {PortfolioUnit} closed", WebUtility.HtmlDecode(await submitting.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        Assert.Empty((await SubmissionAsync(enrolment.Id))!.Versions);

        await Service<ExtendWindow>().HandleAsync(_centre.Id, enrolment.Id, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime.AddDays(7)), "illness, certified", Officer);
        using (var extended = await tus.UploadAsync("report.pdf", EvidenceSamples.Pdf(300), enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.NoContent, extended.StatusCode);
        }

        Assert.Equal(2, (await SubmissionAsync(enrolment.Id))!.Draft.Count);
    }

    [Fact]
    public async Task Downloads_are_attachments_with_nosniff_and_only_the_candidate_and_the_assessors_and_verifiers_of_their_centre_fetch_them()
    {
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0005");
        var tus = await TusClient.ForPageAsync(browser.Http, page);
        using (var uploaded = await tus.UploadAsync("photo of the display.png", EvidenceSamples.Png(20, 20), enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }

        var submission = (await SubmissionAsync(enrolment.Id))!;
        var path = $"/evidence/submissions/{submission.Id}/files/{submission.Draft[0].Id}";
        var elsewhere = await Centres.CentreAsync(_store, Random.Shared.Next(600000, 699999).ToString(CultureInfo.InvariantCulture));
        var (_, _, classmate, _) = await EnrolledAsync("EVD0006");
        var allowed = new[]
        {
            browser,
            await StaffAsync($"assessor5{_centre.Number}@example.org", _centre, Role.Assessor),
            await StaffAsync($"verifier5{_centre.Number}@example.org", _centre, Role.Verifier),
        };
        var refused = new[]
        {
            classmate,
            await StaffAsync($"invigilator5{_centre.Number}@example.org", _centre, Role.Invigilator),
            await StaffAsync($"tutor5{_centre.Number}@example.org", _centre, Role.Tutor),
            await StaffAsync($"admin5{_centre.Number}@example.org", _centre, Role.Admin),
            await StaffAsync($"assessor5{elsewhere.Number}@example.org", elsewhere, Role.Assessor),
            await StaffAsync($"verifier5{elsewhere.Number}@example.org", elsewhere, Role.Verifier),
            Client(),
        };

        foreach (var caller in allowed)
        {
            using var response = await caller.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("photo of the display.png", response.Content.Headers.ContentDisposition.FileNameStar);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        }

        foreach (var caller in refused)
        {
            using var response = await caller.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{response.StatusCode}");
        }

        Assert.Equal(3, await StoredEvents.CountAsync(database.ConnectionString, submission.Id, "evidence_file_downloaded"));
    }

    [Fact]
    public async Task An_upload_begun_and_never_finished_is_deleted_with_its_pieces_after_two_days_and_a_recent_one_is_kept()
    {
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0007");
        var report = EvidenceSamples.Docx(3_200);
        async Task<Guid> BegunAsync(PageClient browser)
        {
            var tus = await TusClient.ForPageAsync(browser.Http, page);
            using var created = await tus.CreateAsync("report.docx", report.Length, enrolment.Id, Portfolio);
            var location = created.Headers.Location!.ToString();
            using var half = await tus.PatchAsync(location, 0, report.AsMemory(0, report.Length / 2));
            Assert.Equal(HttpStatusCode.NoContent, half.StatusCode);
            return Guid.Parse(location.Split('/')[^1]);
        }

        var old = await BegunAsync(browser);
        using (var finished = await (await TusClient.ForPageAsync(browser.Http, page)).UploadAsync("plan.docx", EvidenceSamples.Docx(500), enrolment.Id, Portfolio))
        {
            Assert.Equal(HttpStatusCode.NoContent, finished.StatusCode);
        }

        _clock.Advance(AbandonedUploadsJob.KeptFor + TimeSpan.FromMinutes(1));
        using var later = await EvidenceCandidates.SignedInAsync(_engine, _centre, "EVD0007"); // days later: a new sign-in
        var recent = await BegunAsync(later);

        // The unfinished one goes with its pieces; the finished one's record goes too, its file staying in the draft.
        Assert.True(await Service<AbandonedUploadsJob>().RunAsync(CancellationToken.None) >= 2);
        var files = Service<IEvidenceFileStore>();
        Assert.Equal(0, await files.LengthAsync(old, CancellationToken.None));
        Assert.Equal(report.Length / 2, await files.LengthAsync(recent, CancellationToken.None));
        var plan = Assert.Single((await SubmissionAsync(enrolment.Id))!.Draft);
        Assert.Equal(plan.Bytes, await files.LengthAsync(plan.Id, CancellationToken.None));
        await using var query = _store.QuerySession();
        Assert.Equal([recent], await query.Query<EvidenceUpload>().Where(u => u.EnrolmentId == enrolment.Id).Select(u => u.Id).ToListAsync());
    }

    [Fact]
    public async Task A_client_that_lost_the_answer_to_its_last_piece_is_told_the_upload_is_whole_and_nothing_is_added_twice()
    {
        // The last piece arrived and the file joined the draft, but the answer never reached the page (the connection dropped):
        // the page asks where the upload stands and must hear "complete", not "no such upload", or it shows an error.
        var (_, enrolment, browser, page) = await EnrolledAsync("EVD0008");
        var tus = await TusClient.ForPageAsync(browser.Http, page);
        var report = EvidenceSamples.Docx(3_100);
        using var created = await tus.CreateAsync("report.docx", report.Length, enrolment.Id, Portfolio);
        var location = created.Headers.Location!.ToString();
        using (var whole = await tus.PatchAsync(location, 0, report))
        {
            Assert.Equal(HttpStatusCode.NoContent, whole.StatusCode);
        }

        Assert.Equal(report.Length, await tus.OffsetAsync(location));
        using (var again = await tus.PatchAsync(location, report.Length, ReadOnlyMemory<byte>.Empty))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
            Assert.Equal(report.Length.ToString(CultureInfo.InvariantCulture), again.Headers.GetValues("Upload-Offset").Single());
        }

        Assert.Single((await SubmissionAsync(enrolment.Id))!.Draft);

        // Cancelling it now (a page that gives up) leaves the file in the draft.
        using (var cancel = await browser.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, location)
               {
                   Headers = { { "Tus-Resumable", "1.0.0" }, { "RequestVerificationToken", (await browser.TokenOnAsync(page))! } },
               }))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }

        var file = Assert.Single((await SubmissionAsync(enrolment.Id))!.Draft);
        Assert.Equal(report.Length, await Service<IEvidenceFileStore>().LengthAsync(file.Id, CancellationToken.None));
    }
}
