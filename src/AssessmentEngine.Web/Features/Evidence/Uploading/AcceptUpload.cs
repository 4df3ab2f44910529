using System.Security.Cryptography;
using AssessmentEngine.Web.Features.Evidence.Scanning;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Uploading;

/// <summary>
/// A file received whole: decided from its content (never its name), its words counted where the brief sets a range,
/// scanned for viruses when a scanner is configured (kept as pending while the scanner is away), and added to the
/// candidate's draft. A file refused is deleted: nothing of it is kept.
/// </summary>
public sealed class AcceptUpload(IDocumentStore store, IEvidenceFileStore files, IEvidenceScanner scanner, TimeProvider time, ILogger<AcceptUpload> logger)
{
    public async Task<EvidenceFile> HandleAsync(EvidenceUpload upload, BriefOnEnrolment brief, string actor, CancellationToken cancellationToken)
    {
        try
        {
            var file = await InspectAsync(upload, brief, cancellationToken);
            await AddToDraftAsync(upload, brief, file, actor, cancellationToken);
            return file;
        }
        catch (RefusedException)
        {
            await files.DeleteAsync(upload.Id, CancellationToken.None);
            await using var session = store.LightweightSession();
            session.Delete<EvidenceUpload>(upload.Id);
            await session.SaveChangesAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task<EvidenceFile> InspectAsync(EvidenceUpload upload, BriefOnEnrolment brief, CancellationToken cancellationToken)
    {
        await using var copy = await files.LocalCopyAsync(upload.Id, cancellationToken);
        var verdict = EvidenceFiles.Detect(copy);
        if (verdict.Kind is not { } kind)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{upload.FileName} was not accepted: {verdict.Refusal} Nothing was kept.");
        }

        var words = brief.Brief.Words is null ? null : EvidenceFiles.CountWords(copy, kind);
        copy.Position = 0;
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(copy, cancellationToken));
        var scan = ScanState.NotScanned;
        if (scanner.Enabled)
        {
            copy.Position = 0;
            var result = await scanner.ScanAsync(copy, cancellationToken);
            switch (result.Outcome)
            {
                case ScanOutcome.Infected:
                    logger.LogWarning("Evidence upload {Upload} refused: the virus scan found {Signature}", upload.Id, result.Signature);
                    throw new RefusedException(RefusalKind.Invalid,
                        $"{upload.FileName} was not accepted: the virus scan found {result.Signature}. Nothing was kept; check the file on a safe computer and upload a clean copy.");
                case ScanOutcome.Unavailable:
                    logger.LogWarning("Evidence upload {Upload} kept pending a virus scan: {Problem}", upload.Id, result.Problem);
                    scan = ScanState.Pending;
                    break;
                default:
                    scan = ScanState.Clean;
                    break;
            }
        }

        return new EvidenceFile(upload.Id, upload.FileName, kind, copy.Length, sha, words, scan);
    }

    private async Task AddToDraftAsync(EvidenceUpload upload, BriefOnEnrolment brief, EvidenceFile file, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var added = new EvidenceFileAdded(brief.SubmissionId, brief.Enrolment.Id, brief.Candidate.Id, brief.Centre.Id, brief.Unit.Id, brief.Brief.Id, file, actor, now);
        while (true)
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Submission>(brief.SubmissionId, cancellationToken);
            if (stream.Aggregate is { } submission)
            {
                SubmissionDecisions.EnsureDraftTakes(submission, file.Name);
                stream.AppendOne(added);
            }
            else
            {
                session.Start<Submission>(brief.SubmissionId, added);
            }

            session.Store(upload with { CompletedAt = now });
            if (file.Scan == ScanState.Pending)
            {
                session.Store(new PendingScan(file.Id, brief.SubmissionId, brief.Centre.Id, now));
            }

            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (StreamWrites.IsWriteConflict(exception))
            {
                // Another file joined the draft first: read it again and decide again.
            }
        }
    }
}
