using AssessmentEngine.Web.Features.Evidence.Storing;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Uploading;

/// <summary>
/// Every hour: uploads begun more than <see cref="KeptFor"/> ago and never finished (the page closed for good, the file
/// chosen again as a new upload) are deleted with their pieces, so half-sent files do not fill the database. An upload
/// that is only paused resumes well within that time. Finished ones are forgotten then too (their file stays in the draft).
/// </summary>
public sealed class AbandonedUploadsJob(IDocumentStore store, IEvidenceFileStore files, TimeProvider time, ILogger<AbandonedUploadsJob> logger)
{
    public const string Id = "evidence-abandoned-uploads";

    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - KeptFor;
        await using var session = store.LightweightSession();
        var abandoned = await session.Query<EvidenceUpload>().Where(u => u.StartedAt < before).Take(500).ToListAsync(cancellationToken);
        foreach (var upload in abandoned)
        {
            // A complete upload's pieces are its draft file's: only the record of the transfer goes.
            if (upload.CompletedAt is null)
            {
                await files.DeleteAsync(upload.Id, cancellationToken);
            }

            session.Delete(upload);
        }

        await session.SaveChangesAsync(cancellationToken);
        if (abandoned.Count > 0)
        {
            logger.LogInformation("Cleared {Count} evidence upload(s) begun before {Before}: unfinished ones with their pieces", abandoned.Count, before);
        }

        return abandoned.Count;
    }
}
