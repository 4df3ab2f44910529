using JasperFx;
using Marten;
using Marten.Exceptions;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>
/// The write path: every event the engine writes goes through here, each with its concurrency rule. A decision on an
/// existing stream is <see cref="DecideAsync{T}"/> (fetch for writing, decide, append, save; retried when another writer
/// got there first), or, in a unit of work that spans several streams, <c>FetchForWriting</c> with its decider and the
/// same check at save. A new stream is <see cref="Start{T}"/> (refused at save when it exists), a decision taken on a
/// version read earlier is <see cref="AppendAt"/> (refused at save when the stream moved on), and a fact that decides
/// nothing (an audit record) is <see cref="Record"/>. No feature appends to the event store any other way; a test reads
/// the source to keep it so.
/// </summary>
public static class StreamWrites
{
    /// <summary>Whether a save failed because another writer got to the stream first (read again and decide again), not for any other reason.</summary>
    public static bool IsWriteConflict(Exception exception) =>
        exception is ConcurrencyException or ExistingStreamIdCollisionException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException;

    /// <summary>
    /// Decides on a document projected inline from the stream (and possibly from others) and appends what follows to the
    /// stream, started if new. The stream's version read with the document is the concurrency check: another writer first
    /// means reading both again and deciding again. For a stream with no aggregate of its own, such as a candidate's
    /// presence, whose document also takes facts written to older streams.
    /// </summary>
    public static async Task DecideOnViewAsync<TView>(this IDocumentStore store, Guid streamId, Guid viewId, Func<TView?, IEnumerable<object>> decide,
        CancellationToken cancellationToken) where TView : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var state = await session.Events.FetchStreamStateAsync(streamId, cancellationToken);
                var view = await session.LoadAsync<TView>(viewId, cancellationToken);
                var events = decide(view).ToArray();
                if (events.Length == 0)
                {
                    return;
                }

                if (state is null)
                {
                    session.Events.StartStream(streamId, events);
                }
                else
                {
                    session.Events.Append(streamId, state.Version + events.Length, events);
                }

                await session.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (attempt < 5 && IsWriteConflict(exception))
            {
                // Someone else wrote to the stream between our read and our write: read again.
            }
        }
    }

    /// <summary>Starts a new stream of <typeparamref name="T"/> in the session's unit of work; saving fails with <see cref="ExistingStreamIdCollisionException"/> when the stream exists.</summary>
    public static void Start<T>(this IDocumentSession session, Guid streamId, params object[] events) where T : class =>
        session.Events.StartStream<T>(streamId, events);

    /// <summary>Starts a new stream on its own; false when it already exists (another writer started it first, which stands).</summary>
    public static async Task<bool> StartAsync<T>(this IDocumentStore store, Guid streamId, IReadOnlyList<object> events, CancellationToken cancellationToken) where T : class
    {
        await using var session = store.LightweightSession();
        session.Start<T>(streamId, [.. events]);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (ExistingStreamIdCollisionException)
        {
            return false;
        }
    }

    /// <summary>Appends an event decided on the stream as it stood at <paramref name="decidedAtVersion"/>; saving fails when another writer moved it on.</summary>
    public static void AppendAt(this IDocumentSession session, Guid streamId, long decidedAtVersion, object @event) =>
        session.Events.Append(streamId, decidedAtVersion + 1, @event);

    /// <summary>
    /// Records a fact that decides nothing and that nothing decides on (an audit record of an action taken elsewhere):
    /// appended to its subject's stream in the session's unit of work, in whatever order concurrent records arrive.
    /// </summary>
    public static void Record(this IDocumentSession session, Guid streamId, object @event) =>
        session.Events.Append(streamId, @event);

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

    /// <summary>
    /// Decides on many streams of <typeparamref name="T"/> together, as <see cref="DecideAsync{T}"/> does on one: every
    /// stream is fetched for writing in one round trip, each decided on as it stands, and everything written in one
    /// unit of work (a room of candidates started at once is a few round trips, not one per candidate). When another
    /// writer got to any of the streams first, all are read and decided again, so the decision must be idempotent.
    /// Returns the events appended, by stream; a stream that does not exist, or whose decision said nothing, is absent.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<object>>> DecideManyAsync<T>(this IDocumentStore store, IReadOnlyList<Guid> streamIds,
        Func<T, IEnumerable<object>> decide, CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var batch = session.CreateBatchQuery();
                var fetching = streamIds.Distinct().Select(id => (Id: id, Stream: batch.Events.FetchForWriting<T>(id))).ToList();
                await batch.Execute(cancellationToken);
                var written = new Dictionary<Guid, IReadOnlyList<object>>();
                foreach (var (id, fetched) in fetching)
                {
                    var stream = await fetched;
                    if (stream.Aggregate is not { } state)
                    {
                        continue;
                    }

                    var events = decide(state).ToList();
                    if (events.Count > 0)
                    {
                        stream.AppendMany(events);
                        written[id] = events;
                    }
                }

                if (written.Count > 0)
                {
                    await session.SaveChangesAsync(cancellationToken);
                }

                return written;
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
                // Someone else wrote to one of the streams between our read and our write: read them all again.
            }
        }
    }

    /// <summary>As <see cref="DecideAsync{T}"/>, for a decision that also answers something (null when the stream does not exist).</summary>
    public static Task<TResult?> DecideAsync<T, TResult>(this IDocumentStore store, Guid streamId, Func<T, (IReadOnlyList<object> Events, TResult Result)> decide,
        CancellationToken cancellationToken) where T : class =>
        store.DecideAsync<T, TResult>(streamId, state => ValueTask.FromResult(decide(state)), cancellationToken);

    /// <summary>
    /// As the decision above, for one that needs what a node keeps in memory and may have to fetch once (an item's pinned revision): the
    /// stream's state is read once and written once, with nothing read in between unless the node has not seen it yet.
    /// </summary>
    public static async Task<TResult?> DecideAsync<T, TResult>(this IDocumentStore store, Guid streamId, Func<T, ValueTask<(IReadOnlyList<object> Events, TResult Result)>> decide,
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

                var (events, result) = await decide(state);
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
