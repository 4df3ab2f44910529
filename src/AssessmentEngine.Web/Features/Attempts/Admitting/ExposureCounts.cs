using System.Collections.Concurrent;
using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Features.Attempts.Admitting;

/// <summary>
/// How often each item of a unit has been given, for the sampler's last rule (prefer the items used least). Counting it
/// reads every form ever issued for the unit, so each node keeps the count per unit for <see cref="Freshness"/> and
/// counts again after that: a room of 3,000 admitted in a minute costs one count, not 3,000. A count a few seconds old
/// changes nothing that matters: the rule is a tie-breaker, and the forms of the same sitting — the overlap that does
/// matter — are read fresh for every admission.
/// </summary>
public sealed class ExposureCounts(Npgsql.NpgsqlDataSource database, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Lazy<Task<(DateTimeOffset CountedAt, IReadOnlyDictionary<string, int> Uses)>>> _units = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, int>> OfAsync(string unitCode, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = _units.GetOrAdd(unitCode, NewCount);
            try
            {
                var (countedAt, uses) = await entry.Value.WaitAsync(cancellationToken);
                if (time.GetUtcNow() - countedAt < Freshness)
                {
                    return uses;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A failed count (the database away) is not kept: the next admission counts again.
                _units.TryRemove(new KeyValuePair<string, Lazy<Task<(DateTimeOffset, IReadOnlyDictionary<string, int>)>>>(unitCode, entry));
                throw;
            }

            // Stale: the first to notice replaces it; everyone waits for the same new count.
            _units.TryUpdate(unitCode, NewCount(unitCode), entry);
        }
    }

    private Lazy<Task<(DateTimeOffset, IReadOnlyDictionary<string, int>)>> NewCount(string unitCode) =>
        new(() => CountAsync(unitCode));

    private async Task<(DateTimeOffset, IReadOnlyDictionary<string, int>)> CountAsync(string unitCode)
    {
        var countedAt = time.GetUtcNow();
        await using var command = database.CreateCommand(
            $"select item->>'itemId', count(*) from {StoreSetup.Schema}.mt_doc_attempt a cross join lateral jsonb_array_elements(a.data->'form'->'items') item " +
            "where a.data->>'unitCode' = $1 and jsonb_typeof(a.data->'form') = 'object' group by 1");
        command.Parameters.AddWithValue(unitCode);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        // Not the caller's token: the count is shared, and one caller giving up must not fail it for the others.
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            uses[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return (countedAt, uses);
    }
}
