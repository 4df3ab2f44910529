namespace AssessmentEngine.Web.Features.Evidence.Storing;

/// <summary>
/// Where evidence files live: written by appending at an offset (an upload arrives in pieces, resumed after a cut), read
/// as a stream, never whole in memory. PostgreSQL by default (<see cref="PostgresEvidenceFiles"/>); an S3-compatible
/// object store can answer the same four calls.
/// </summary>
public interface IEvidenceFileStore
{
    /// <summary>
    /// Appends what <paramref name="content"/> holds, from <paramref name="offset"/> (which must be the file's length so
    /// far), up to <paramref name="limit"/> bytes in all. What arrived before a cut is kept; returns the new length.
    /// </summary>
    Task<long> AppendAsync(Guid fileId, long offset, Stream content, long limit, CancellationToken cancellationToken);

    /// <summary>How many bytes are stored (0 for a file never written).</summary>
    Task<long> LengthAsync(Guid fileId, CancellationToken cancellationToken);

    /// <summary>Copies the file to <paramref name="destination"/> piece by piece.</summary>
    Task CopyToAsync(Guid fileId, Stream destination, CancellationToken cancellationToken);

    Task DeleteAsync(Guid fileId, CancellationToken cancellationToken);
}

/// <summary>The offset a piece claims is not where the file ends: another request wrote first, or the client lost its place.</summary>
public sealed class OffsetMismatchException(long expected) : Exception($"The file is {expected} bytes long so far.")
{
    public long Expected { get; } = expected;
}

public static class EvidenceFileCopies
{
    /// <summary>
    /// An empty file on local disk, deleted when closed: the checks on a file (its kind, its words, its hash, the virus
    /// scan) need to seek, and a file is never held whole in memory.
    /// </summary>
    public static FileStream Temporary() =>
        new(Path.Combine(Path.GetTempPath(), $"ae-evidence-{Guid.NewGuid():N}"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>A stored file copied to a <see cref="Temporary"/> file, positioned at its start.</summary>
    public static async Task<FileStream> LocalCopyAsync(this IEvidenceFileStore files, Guid fileId, CancellationToken cancellationToken)
    {
        var copy = Temporary();
        try
        {
            await files.CopyToAsync(fileId, copy, cancellationToken);
            copy.Position = 0;
            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }
}
