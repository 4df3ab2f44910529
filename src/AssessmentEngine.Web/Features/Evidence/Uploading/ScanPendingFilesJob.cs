using AssessmentEngine.Web.Features.Evidence.Scanning;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Uploading;

/// <summary>
/// Every minute: the files kept while the virus scanner was away are scanned now it is back. A clean file is released to
/// its submission; an infected one is deleted and leaves the draft (the candidate is told why on their page). While the
/// scanner is still away, they wait.
/// </summary>
public sealed class ScanPendingFilesJob(IDocumentStore store, IEvidenceFileStore files, IEvidenceScanner scanner, TimeProvider time, ILogger<ScanPendingFilesJob> logger)
{
    public const string Id = "evidence-scan-pending";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!scanner.Enabled)
        {
            return 0;
        }

        await using var query = store.QuerySession();
        var pending = await query.Query<PendingScan>().OrderBy(p => p.Since).Take(100).ToListAsync(cancellationToken);
        var scanned = 0;
        foreach (var file in pending)
        {
            var result = await ScanAsync(file.Id, cancellationToken);
            if (result.Outcome == ScanOutcome.Unavailable)
            {
                logger.LogWarning("{Count} evidence file(s) still wait for the virus scan: {Problem}", pending.Count - scanned, result.Problem);
                break;
            }

            var clean = result.Outcome == ScanOutcome.Clean;
            await store.DecideAsync<Submission>(file.SubmissionId, _ => [new EvidenceFileScanned(file.SubmissionId, file.Id, clean, result.Signature, time.GetUtcNow())],
                cancellationToken);
            if (!clean)
            {
                logger.LogWarning("Evidence file {File} removed: the virus scan found {Signature}", file.Id, result.Signature);
                await files.DeleteAsync(file.Id, cancellationToken);
            }

            await using var session = store.LightweightSession();
            session.Delete<PendingScan>(file.Id);
            await session.SaveChangesAsync(cancellationToken);
            scanned++;
        }

        return scanned;
    }

    private async Task<ScanResult> ScanAsync(Guid fileId, CancellationToken cancellationToken)
    {
        await using var copy = await files.LocalCopyAsync(fileId, cancellationToken);
        return await scanner.ScanAsync(copy, cancellationToken);
    }
}
