using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Microsoft.Net.Http.Headers;

namespace AssessmentEngine.Web.Features.Evidence;

/// <summary>
/// A submitted or draft file, downloaded by its candidate or by the assessors and verifiers of its centre (nobody else:
/// "not found"). Always as an attachment with nosniff, never shown inline, streamed from the store; never before the
/// virus scan has passed it when a scanner is configured. Each download is recorded.
/// </summary>
public static class EvidenceDownloads
{
    public static WebApplication MapEvidenceDownloads(this WebApplication app)
    {
        app.MapGet("/evidence/submissions/{submissionId:guid}/files/{fileId:guid}", DownloadAsync)
            .RequireAuthorization(Policies.SignedIn)
            .AddEndpointFilter<RefusalsAsProblems>();
        app.MapGet("/evidence/records/{recordId:guid}/recording", RecordingAsync)
            .RequireAuthorization(Policies.SignedIn)
            .AddEndpointFilter<RefusalsAsProblems>();
        return app;
    }

    /// <summary>The candidate whose evidence it is, and the assessors, internal verifiers and external verifier of their centre.</summary>
    private static async Task<bool> MayReadAsync(IQuerySession session, System.Security.Claims.ClaimsPrincipal user, Guid centreId, Guid candidateId, CancellationToken cancellationToken) =>
        user.Holds(Role.Assessor, centreId) || user.Holds(Role.Verifier, centreId) || user.Holds(Role.ExternalVerifier, centreId)
        || (user.Holds(Role.Candidate, centreId) && await session.Query<Candidate>().AnyAsync(c => c.Id == candidateId && c.UserId == user.Id(), cancellationToken));

    private static async Task RecordingAsync(Guid recordId, HttpContext http, IDocumentStore store, IEvidenceFileStore files)
    {
        await using var session = store.QuerySession();
        var record = await session.LoadAsync<Recording.AssessorRecord>(recordId, http.RequestAborted);
        if (record?.Recording is not { } audio || !await MayReadAsync(session, http.User, record.CentreId, record.CandidateId, http.RequestAborted))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such recording, or none you may download.");
        }

        await SendAsync(http, files, audio.FileId, audio.Name, audio.Kind, audio.Bytes);
    }

    private static async Task SendAsync(HttpContext http, IEvidenceFileStore files, Guid fileId, string name, EvidenceKind kind, long bytes)
    {
        var response = http.Response;
        response.ContentType = ContentType(kind);
        response.ContentLength = bytes;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(name);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
        await files.CopyToAsync(fileId, response.Body, http.RequestAborted);
    }

    private static async Task DownloadAsync(Guid submissionId, Guid fileId, HttpContext http, IDocumentStore store, IEvidenceFileStore files, TimeProvider time)
    {
        await using var session = store.LightweightSession();
        var submission = await session.LoadAsync<Submission>(submissionId, http.RequestAborted);
        var user = http.User;
        if (submission is null || !await MayReadAsync(session, user, submission.CentreId, submission.CandidateId, http.RequestAborted)
            || submission.File(fileId) is not { } file)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such file, or none you may download.");
        }

        if (file.Scan == ScanState.Pending)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{file.Name} is waiting for the virus scan; it can be downloaded once it is scanned.");
        }

        session.Record(submission.Id, new EvidenceFileDownloaded(submission.Id, submission.CentreId, file.Id, file.Name, user.Actor(), http.SourceAddress(), time.GetUtcNow()));
        await session.SaveChangesAsync(http.RequestAborted);

        await SendAsync(http, files, file.Id, file.Name, file.Kind, file.Bytes);
    }

    public static string ContentType(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Pdf => "application/pdf",
        EvidenceKind.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        EvidenceKind.Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        EvidenceKind.Odt => "application/vnd.oasis.opendocument.text",
        EvidenceKind.Png => "image/png",
        EvidenceKind.Jpeg => "image/jpeg",
        EvidenceKind.Mp3 => "audio/mpeg",
        EvidenceKind.M4a => "audio/mp4",
        EvidenceKind.Mp4 => "video/mp4",
        _ => "application/octet-stream",
    };
}
