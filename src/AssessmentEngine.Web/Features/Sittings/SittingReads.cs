using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace AssessmentEngine.Web.Features.Sittings;

/// <summary>
/// A sitting as it stands, without carrying its whole document on every read. The document holds every booking — a room
/// of 3,000 is a few hundred kilobytes, 7 ms for the database to read — and every check-in, waiting page and desk call
/// reads it: at 3,000 candidates that was a third of the database's time. Each node holds the copy it last read with its
/// version; a read asks only for the version and fetches the document again when it has changed, so what it returns is
/// as fresh as a plain read (a sitting's document is never changed without its version).
/// </summary>
public sealed class SittingReads(NpgsqlDataSource database, IDocumentStore store, IMemoryCache cache)
{
    private static readonly TimeSpan HeldFor = TimeSpan.FromMinutes(10);

    public async Task<Sitting?> LoadAsync(Guid sittingId, CancellationToken cancellationToken)
    {
        var key = $"sitting:{sittingId}";
        long current;
        await using (var command = database.CreateCommand($"select mt_version from {StoreSetup.Schema}.mt_doc_sitting where id = $1"))
        {
            command.Parameters.AddWithValue(sittingId);
            if (await command.ExecuteScalarAsync(cancellationToken) is not long version)
            {
                cache.Remove(key);
                return null;
            }

            current = version;
        }

        if (cache.TryGetValue(key, out (long Version, Sitting Sitting) held) && held.Version == current)
        {
            return held.Sitting;
        }

        // Changed since (or never read here): read it whole. It is at this version or a later one; held as this version,
        // a later change is seen by the next read, which fetches it again.
        await using var session = store.QuerySession();
        var sitting = await session.LoadAsync<Sitting>(sittingId, cancellationToken);
        if (sitting is null)
        {
            cache.Remove(key);
            return null;
        }

        cache.Set(key, (current, sitting), new MemoryCacheEntryOptions { SlidingExpiration = HeldFor });
        return sitting;
    }
}
