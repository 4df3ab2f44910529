using System.Globalization;
using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Uploading;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Uploads scanned by a real clamd (the project's own EICAR signature, no download): refused when infected, kept pending while clamd is down.</summary>
public sealed class ScannedEvidenceTests(TestDatabase database, ClamdServer clamd) : IClassFixture<TestDatabase>, IClassFixture<ClamdServer>, IAsyncLifetime
{
    // The industry's harmless test file, put together at run time so that no scanner flags this source or the test assembly.
    private static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-" + "STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web").WithSetting("Evidence:Clamd", clamd.Address);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(700000, 799999).ToString(CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static byte[] InfectedPdf()
    {
        var pdf = EvidenceSamples.Pdf(100);
        return [.. pdf, .. Encoding.ASCII.GetBytes("\n% "), .. Eicar, (byte)'\n'];
    }

    private async Task<Submission?> SubmissionAsync(Guid enrolmentId)
    {
        await using var query = _store.QuerySession();
        return await query.LoadAsync<Submission>(Submission.IdFor(enrolmentId, EvidenceCandidates.Brief));
    }

    private async Task<int> ScanPendingAsync()
    {
        using var scope = _engine.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ScanPendingFilesJob>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_file_holding_the_test_virus_is_refused_with_a_clear_message_and_nothing_of_it_is_kept()
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, "SCN0001", DateOnly.FromDateTime(DateTime.UtcNow));
        var tus = await TusClient.ForPageAsync(enrolled.Browser.Http, enrolled.Page);

        using var created = await tus.CreateAsync("report.pdf", InfectedPdf().Length, enrolled.Enrolment.Id, EvidenceCandidates.Brief);
        var location = created.Headers.Location!.ToString();
        using var refused = await tus.PatchAsync(location, 0, InfectedPdf());

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("report.pdf was not accepted: the virus scan found AssessmentEngine.Test.EICAR.UNOFFICIAL. Nothing was kept",
            await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await SubmissionAsync(enrolled.Enrolment.Id));
        Assert.Equal(0, await _engine.Services.GetRequiredService<IEvidenceFileStore>().LengthAsync(Guid.Parse(location.Split('/')[^1]), CancellationToken.None));

        // A clean file goes straight through, scanned.
        using var clean = await tus.UploadAsync("report.pdf", EvidenceSamples.Pdf(3_200), enrolled.Enrolment.Id, EvidenceCandidates.Brief);
        Assert.Equal(HttpStatusCode.NoContent, clean.StatusCode);
        Assert.Equal(ScanState.Clean, Assert.Single((await SubmissionAsync(enrolled.Enrolment.Id))!.Draft).Scan);
    }

    [Fact]
    public async Task While_clamd_is_down_uploads_wait_unreleased_and_are_scanned_when_it_returns_an_infected_one_then_leaving_the_draft()
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, "SCN0002", DateOnly.FromDateTime(DateTime.UtcNow));
        var tus = await TusClient.ForPageAsync(enrolled.Browser.Http, enrolled.Page);
        await clamd.StopAsync();
        try
        {
            using (var clean = await tus.UploadAsync("report.pdf", EvidenceSamples.Pdf(3_200), enrolled.Enrolment.Id, EvidenceCandidates.Brief))
            {
                Assert.Equal(HttpStatusCode.NoContent, clean.StatusCode);
            }

            using (var infected = await tus.UploadAsync("appendix.pdf", InfectedPdf(), enrolled.Enrolment.Id, EvidenceCandidates.Brief))
            {
                Assert.Equal(HttpStatusCode.NoContent, infected.StatusCode);
            }

            var waiting = (await SubmissionAsync(enrolled.Enrolment.Id))!;
            Assert.All(waiting.Draft, file => Assert.Equal(ScanState.Pending, file.Scan));
            Assert.Contains("waiting for the virus scan", await enrolled.Browser.GetPageAsync(enrolled.Page), StringComparison.Ordinal);

            // Not released: no download, no submission; the job leaves them while clamd is still away.
            using (var download = await enrolled.Browser.Http.GetAsync(new Uri($"/evidence/submissions/{waiting.Id}/files/{waiting.Draft[0].Id}", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Conflict, download.StatusCode);
            }

            using (var submit = await enrolled.Browser.PostFormAsync(enrolled.Page, $"{enrolled.Page}?handler=Submit", [new("declared", "true")]))
            {
                Assert.Contains("waiting for the virus scan", await submit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(0, await ScanPendingAsync());
            Assert.All((await SubmissionAsync(enrolled.Enrolment.Id))!.Draft, file => Assert.Equal(ScanState.Pending, file.Scan));
        }
        finally
        {
            await clamd.StartAgainAsync();
        }

        Assert.Equal(2, await ScanPendingAsync());
        var scanned = (await SubmissionAsync(enrolled.Enrolment.Id))!;
        var kept = Assert.Single(scanned.Draft);
        Assert.Equal(("report.pdf", ScanState.Clean), (kept.Name, kept.Scan));
        Assert.Contains("appendix.pdf was removed: the virus scan found AssessmentEngine.Test.EICAR.UNOFFICIAL", WebUtility.HtmlDecode(await enrolled.Browser.GetPageAsync(enrolled.Page)),
            StringComparison.Ordinal);
        Assert.Contains("Submitted as version 1", await EvidenceCandidates.SubmitAsync(enrolled.Browser, enrolled.Page), StringComparison.Ordinal);

        await using var query = _store.QuerySession();
        Assert.False(await query.Query<PendingScan>().AnyAsync(p => p.SubmissionId == scanned.Id));
    }
}
