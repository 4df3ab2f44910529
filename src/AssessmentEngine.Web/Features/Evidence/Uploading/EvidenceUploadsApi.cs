using System.Text;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.Features;

namespace AssessmentEngine.Web.Features.Evidence.Uploading;

/// <summary>
/// Resumable uploads of evidence, in the tus 1.0 protocol (creation, offsets by HEAD, pieces by PATCH, termination), which
/// the page's client (tus-js-client, in wwwroot/lib/tus) speaks: a cut connection resumes from what the store holds, even
/// after the page is reloaded. No tus server package is served for .NET here, and the core protocol is four small calls
/// over <see cref="IEvidenceFileStore"/>. Only the candidate whose draft it is reaches an upload; every change carries the
/// page's antiforgery token in a header.
/// </summary>
public static class EvidenceUploadsApi
{
    public const string Path = "/api/evidence/uploads";
    private const string TusVersion = "1.0.0";

    public static WebApplication MapEvidenceUploads(this WebApplication app)
    {
        var uploads = app.MapGroup(Path)
            .RequireAuthorization(Policies.Candidate)
            .AddEndpointFilter<TusHeaders>()
            .AddEndpointFilter<AntiforgeryOnChanges>()
            .AddEndpointFilter<RefusalsAsProblems>();
        uploads.MapPost("", CreateAsync);
        uploads.MapMethods("/{uploadId:guid}", [HttpMethods.Head], OffsetAsync);
        uploads.MapMethods("/{uploadId:guid}", [HttpMethods.Patch], AppendAsync);
        uploads.MapDelete("/{uploadId:guid}", CancelAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CandidateBriefs briefs, IDocumentSession session, EvidenceLimits limits, TimeProvider time)
    {
        var metadata = Metadata(http.Request.Headers["Upload-Metadata"].ToString());
        if (!long.TryParse(http.Request.Headers["Upload-Length"].ToString(), out var length) || length < 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "The upload did not say how long the file is.");
        }

        var name = FileName(metadata.GetValueOrDefault("filename"));
        if (length == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{name} is empty: choose the file again.");
        }

        if (length > limits.MaxFileBytes)
        {
            throw new RefusedException(RefusalKind.TooLarge,
                $"{name} is {length / (1024.0 * 1024):N0} MB; a file may be at most {limits.Describe}. Make it smaller (for a recording, a lower quality; for a document, save it as PDF) or split it.");
        }

        if (!Guid.TryParse(metadata.GetValueOrDefault("enrolment"), out var enrolmentId))
        {
            throw new RefusedException(RefusalKind.Invalid, "The upload did not say which enrolment it is for.");
        }

        var brief = await briefs.OwnAsync(http.User, enrolmentId, metadata.GetValueOrDefault("brief"), http.RequestAborted);
        brief.EnsureOpen(time.GetUtcNow());
        SubmissionDecisions.EnsureDraftTakes(await session.LoadAsync<Submission>(brief.SubmissionId, http.RequestAborted), name);
        var upload = new EvidenceUpload(Guid.NewGuid(), brief.SubmissionId, enrolmentId, brief.Brief.Id, brief.Candidate.Id, name, length, time.GetUtcNow());
        session.Store(upload);
        await session.SaveChangesAsync(http.RequestAborted);
        http.Response.Headers.Location = $"{Path}/{upload.Id}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> OffsetAsync(Guid uploadId, HttpContext http, CandidateBriefs briefs, IQuerySession session, IEvidenceFileStore files)
    {
        var (upload, _) = await OwnUploadAsync(uploadId, http, briefs, session);
        http.Response.Headers["Upload-Offset"] = (await files.LengthAsync(upload.Id, http.RequestAborted)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Length"] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Ok();
    }

    private static async Task<IResult> AppendAsync(Guid uploadId, HttpContext http, CandidateBriefs briefs, IQuerySession session, IEvidenceFileStore files,
        AcceptUpload accept, TimeProvider time)
    {
        var (upload, candidate) = await OwnUploadAsync(uploadId, http, briefs, session);
        if (upload.CompletedAt is not null)
        {
            // Whole and in the draft already: a page asking again (its answer was lost) hears so, and nothing is added twice.
            http.Response.Headers["Upload-Offset"] = upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.NoContent();
        }

        if (!string.Equals(http.Request.ContentType, "application/offset+octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem("A piece of an upload is sent as application/offset+octet-stream.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (!long.TryParse(http.Request.Headers["Upload-Offset"].ToString(), out var offset) || offset < 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "The piece did not say where in the file it goes.");
        }

        var brief = await briefs.OwnAsync(candidate, upload.EnrolmentId, upload.BriefId, http.RequestAborted);
        brief.EnsureOpen(time.GetUtcNow());
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = Math.Max(0, upload.Length - offset);
        }

        long length;
        try
        {
            length = await files.AppendAsync(upload.Id, offset, http.Request.Body, upload.Length, http.RequestAborted);
        }
        catch (OffsetMismatchException mismatch)
        {
            http.Response.Headers["Upload-Offset"] = mismatch.Expected.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new RefusedException(RefusalKind.Conflict, $"The upload had reached byte {mismatch.Expected:N0}; it goes on from there.");
        }
        catch (InvalidDataException)
        {
            throw new RefusedException(RefusalKind.TooLarge, $"{upload.FileName} is longer than the upload announced; choose the file again.");
        }

        if (length == upload.Length)
        {
            await accept.HandleAsync(upload, brief, http.User.Actor(), CancellationToken.None);
        }

        http.Response.Headers["Upload-Offset"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.NoContent();
    }

    private static async Task<IResult> CancelAsync(Guid uploadId, HttpContext http, CandidateBriefs briefs, IDocumentSession session, IEvidenceFileStore files)
    {
        var (upload, _) = await OwnUploadAsync(uploadId, http, briefs, session);
        if (upload.CompletedAt is null)
        {
            await files.DeleteAsync(upload.Id, http.RequestAborted);
        }

        // A complete upload's file is in the draft: cancelling the transfer leaves it there (the page removes it from the draft).
        session.Delete<EvidenceUpload>(upload.Id);
        await session.SaveChangesAsync(http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<(EvidenceUpload Upload, Candidate Candidate)> OwnUploadAsync(Guid uploadId, HttpContext http, CandidateBriefs briefs, IQuerySession session)
    {
        var candidate = await briefs.CandidateAsync(http.User, http.RequestAborted);
        var upload = await session.LoadAsync<EvidenceUpload>(uploadId, http.RequestAborted);
        return upload is not null && upload.CandidateId == candidate.Id
            ? (upload, candidate)
            : throw new RefusedException(RefusalKind.NotFound, "There is no such upload: it was refused or cancelled. Choose the file again.");
    }

    /// <summary>tus's Upload-Metadata: comma-separated "key base64(value)" pairs.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string header)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(20))
        {
            var parts = pair.Split(' ', 2);
            try
            {
                pairs[parts[0]] = parts.Length == 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (FormatException)
            {
                throw new RefusedException(RefusalKind.Invalid, $"The upload's '{parts[0]}' is not encoded as the protocol says.");
            }
        }

        return pairs;
    }

    /// <summary>The name shown to the assessor and given to downloads: its last path segment, printable characters only, at most 200 of them.</summary>
    public static string FileName(string? given)
    {
        var name = System.IO.Path.GetFileName((given ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c) && c is not ('"' or '<' or '>' or '|' or '*' or '?' or ':')).ToArray()).Trim();
        if (name.Length > EvidenceLimits.MaxNameLength)
        {
            var extension = System.IO.Path.GetExtension(name);
            name = name[..(EvidenceLimits.MaxNameLength - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }

        return name.Length == 0 ? "evidence" : name;
    }

    /// <summary>Every tus response says which version it speaks.</summary>
    private sealed class TusHeaders : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            context.HttpContext.Response.Headers["Tus-Resumable"] = TusVersion;
            return next(context);
        }
    }
}
