using JasperFx;
using Marten;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>The write path every decision takes: fetch for writing, decide, append, save.</summary>
public static class StreamWrites
{
    /// <summary>
    /// Decides on the stream's current state and appends what follows. When another writer got there first (optimistic
    /// concurrency), reads again and decides again, so idempotent decisions meet without writing twice. Returns the
    /// events appended (none when the stream does not exist or the decision had nothing to say).
    /// </summary>
    public static async Task<IReadOnlyList<object>> DecideAsync<T>(this IDocumentStore store, Guid streamId, Func<T, IEnumerable<object>> decide,
        CancellationToken cancellationToken) where T : class =>
        (await store.DecideAsync<T, IReadOnlyList<object>>(streamId, state =>
        {
            var events = decide(state).ToList();
            return (events, events);
        }, cancellationToken)) ?? [];

    /// <summary>As <see cref="DecideAsync{T}"/>, for a decision that also answers something (null when the stream does not exist).</summary>
    public static async Task<TResult?> DecideAsync<T, TResult>(this IDocumentStore store, Guid streamId, Func<T, (IReadOnlyList<object> Events, TResult Result)> decide,
        CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<T>(streamId, cancellationToken);
                if (stream.Aggregate is not { } state)
                {
                    return default;
                }

                var (events, result) = decide(state);
                if (events.Count == 0)
                {
                    return result;
                }

                stream.AppendMany(events);
                await session.SaveChangesAsync(cancellationToken);
                return result;
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
                // Someone else wrote to the stream between our read and our write: read again.
            }
        }
    }
}
