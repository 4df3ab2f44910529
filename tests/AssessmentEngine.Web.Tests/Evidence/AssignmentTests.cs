using System.Globalization;
using System.Net;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>
/// Unit 301's supervised assignment on sittings and admission, on a fake clock: the brief opens when the candidate starts,
/// files go up while the three hours run, uploads close at time-up and a late one is refused, and what went up in time is
/// submitted.
/// </summary>
public sealed class AssignmentTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Unit = "4417-03/301";
    private const string Brief = "cg-4417-301-assignment";
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;
    private Guid _invigilator;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(900000, 999999).ToString(CultureInfo.InvariantCulture));
        _invigilator = (await Centres.StaffAsync(_store, _centre, $"inv{_centre.Number}@example.org", Role.Invigilator)).Id;
        var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank", "cg-4417-301")], BankFolder.RepositoryRoot);
        await ImportItemBank.RunAsync(_store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    [Fact]
    public async Task The_brief_opens_at_the_start_files_go_up_while_the_three_hours_run_and_a_late_upload_is_refused_at_time_up()
    {
        var candidate = await Centres.CandidateAsync(_store, _centre, "ASG0001");
        await Service<EnrolCandidates>().HandleAsync(_centre.Id, Unit, [candidate.Id], Officer);
        Enrolment enrolment;
        await using (var query = _store.QuerySession())
        {
            enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id);
        }

        // The sitting runs the assignment, for no longer than its three hours.
        var refused = await Assert.ThrowsAsync<RefusedException>(() =>
            Service<ScheduleSitting>().HandleAsync(_centre.Id, Unit, "Room 1", _clock.GetUtcNow(), 200, [_invigilator], Officer));
        Assert.Contains($"The assignment for {Unit} takes at most 180 minutes", refused.Message, StringComparison.Ordinal);
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, Unit, "Room 1", _clock.GetUtcNow(), 180, [_invigilator], Officer);
        Assert.Equal(Brief, sitting.TestId);
        await Service<BookCandidates>().HandleAsync(_centre.Id, sitting.Id, [candidate.Id], Officer);

        // Before the start: the brief's task is not shown, and nothing goes up.
        using var browser = await EvidenceCandidates.SignedInAsync(_engine, _centre, candidate.CandidateNumber);
        var page = $"/candidate/evidence/{enrolment.Id}/{Brief}";
        var before = WebUtility.HtmlDecode(await browser.GetPageAsync(page));
        Assert.Contains("is a supervised assignment: its brief opens when your invigilator has admitted you", before, StringComparison.Ordinal);
        Assert.DoesNotContain("Part 1: customer expectations", before, StringComparison.Ordinal);
        var tus = new TusClient(browser.Http, (await browser.TokenOnAsync(page))!);
        using (var early = await tus.CreateAsync("answers.docx", 100, enrolment.Id, Brief))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Contains("its brief opens when your invigilator has admitted you", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Admitted and started: the attempt page leads to the brief, which shows the task and when uploads close.
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(180), attempt.Deadline);
        using (var work = await browser.Http.GetAsync(new Uri($"/candidate/attempts/{attempt.Id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, work.StatusCode);
            Assert.Equal(page, work.Headers.Location!.OriginalString);
        }

        var started = System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(await browser.GetPageAsync(page)), "<[^>]+>", "");
        Assert.Contains("Part 1: customer expectations", started, StringComparison.Ordinal);
        Assert.Contains($"upload your work before {CentreTime.Show(attempt.Deadline!.Value, _centre.Zone)}", started, StringComparison.Ordinal);
        tus = await TusClient.ForPageAsync(browser.Http, page);
        using (var first = await tus.UploadAsync("part 1.docx", EvidenceSamples.Docx(600), enrolment.Id, Brief))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        // A minute before time-up a file still goes up; one begun then and finished after time-up is refused, and nothing of it kept.
        _clock.Advance(TimeSpan.FromMinutes(179));
        using (var inTime = await tus.UploadAsync("part 2.docx", EvidenceSamples.Docx(900), enrolment.Id, Brief))
        {
            Assert.Equal(HttpStatusCode.NoContent, inTime.StatusCode);
        }

        var late = EvidenceSamples.Docx(700);
        using var begun = await tus.CreateAsync("part 3.docx", late.Length, enrolment.Id, Brief);
        var location = begun.Headers.Location!.ToString();
        using (var half = await tus.PatchAsync(location, 0, late.AsMemory(0, late.Length / 2)))
        {
            Assert.Equal(HttpStatusCode.NoContent, half.StatusCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        using (var rest = await tus.PatchAsync(location, late.Length / 2, late.AsMemory(late.Length / 2)))
        {
            Assert.Equal(HttpStatusCode.Conflict, rest.StatusCode);
            Assert.Contains("Time is up: your assignment ended at", await rest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var another = await tus.CreateAsync("part 4.docx", 100, enrolment.Id, Brief))
        {
            Assert.Equal(HttpStatusCode.Conflict, another.StatusCode);
            Assert.Contains("Time is up", await another.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // What went up in time is submitted after time-up; the late file is not in it.
        Assert.Contains("Time is up", WebUtility.HtmlDecode(await browser.GetPageAsync(page)), StringComparison.Ordinal);
        Assert.Contains("Submitted as version 1", await EvidenceCandidates.SubmitAsync(browser, page), StringComparison.Ordinal);
        await using var after = _store.QuerySession();
        var submission = (await after.LoadAsync<Submission>(Submission.IdFor(enrolment.Id, Brief)))!;
        Assert.Equal(["part 1.docx", "part 2.docx"], submission.Versions.Single().Files.Select(f => f.Name));
        Assert.Equal(AttemptStatus.InProgress, (await after.LoadAsync<Attempt>(attempt.Id))!.Status); // the time-up job submits it; not run here
    }
}
