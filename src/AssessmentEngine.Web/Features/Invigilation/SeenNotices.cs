using Marten;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// Coalesces heartbeats: a heartbeat only records the latest time each candidate was heard from, and once every
/// <see cref="Interval"/> the presences heard are written together (one transaction) and each sitting with news gets one
/// <see cref="IInvigilatorClient.CandidatesSeen"/> message. Without it 3,000 candidates beating every 10 s, watched by 30
/// invigilators, are 300 transactions and 9,000 pushes a second for a column shown in whole seconds; with it, one write
/// and one push a second per sitting.
/// </summary>
/// <remarks>
/// One second is enough: the dashboard's connection column counts seconds and the rules' disconnection threshold is tens
/// of seconds. Each node batches only the heartbeats its own candidates sent; that is correct behind the Redis backplane,
/// where a push to a group from any node reaches every invigilator on every node (who then gets one message a second per
/// node). A push that fails is logged and its notices dropped, as every live push is: the next heartbeat, ten seconds on,
/// brings the candidate back, and a reconnecting dashboard reloads the stored presence in full. For the same reason
/// nothing is pushed at shutdown: the invigilators' connections to this node are closing too. The presences still held are
/// written at shutdown; a write that fails is tried again at the next tick, and a node that dies loses at most the last
/// second of "last seen" times, which the next heartbeat restores.
/// </remarks>
public sealed class SeenNotices(
    IHubContext<InvigilationHub, IInvigilatorClient> invigilators, IDocumentStore store, TimeProvider time, ILogger<SeenNotices> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Dictionary<Guid, Dictionary<Guid, DateTimeOffset>> _pending = [];
    private Dictionary<Guid, Presence> _presences = [];

    /// <summary>Records that the candidate was heard from on their attempt; never throws and never waits on the network.</summary>
    public void Seen(Guid sittingId, Guid candidateId, Guid attemptId, DateTimeOffset at)
    {
        lock (_gate)
        {
            Keep(_presences, new Presence(attemptId, sittingId, at));
            if (!_pending.TryGetValue(sittingId, out var candidates))
            {
                _pending[sittingId] = candidates = [];
            }

            // Two heartbeats may finish out of order: keep the later time.
            if (!candidates.TryGetValue(candidateId, out var known) || known < at)
            {
                candidates[candidateId] = at;
            }
        }
    }

    // Two heartbeats may finish out of order: keep the later time.
    private static void Keep(Dictionary<Guid, Presence> presences, Presence presence)
    {
        if (!presences.TryGetValue(presence.Id, out var known) || known.LastSeenAt < presence.LastSeenAt)
        {
            presences[presence.Id] = presence;
        }
    }

    private async Task FlushAsync()
    {
        Dictionary<Guid, Dictionary<Guid, DateTimeOffset>> due;
        lock (_gate)
        {
            (due, _pending) = (_pending, []);
        }

        await WritePresencesAsync();
        await Task.WhenAll(due.Select(sitting => PushAsync(sitting.Key, [.. sitting.Value.Select(c => new SeenNotice(c.Key, c.Value))])));
    }

    /// <summary>The presences heard since the last write, in one transaction; those that fail wait for the next.</summary>
    private async Task WritePresencesAsync()
    {
        Dictionary<Guid, Presence> due;
        lock (_gate)
        {
            if (_presences.Count == 0)
            {
                return;
            }

            (due, _presences) = (_presences, []);
        }

        try
        {
            await using var session = store.LightweightSession();
            session.Store(due.Values.ToArray());
            await session.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception exception) // the database away: nothing here may stop the loop
        {
            logger.LogWarning("{Count} heartbeats not written, tried again in a second: {Reason}", due.Count, exception.Message);
            lock (_gate)
            {
                foreach (var presence in due.Values)
                {
                    Keep(_presences, presence);
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the presences still held are written.
            await WritePresencesAsync();
        }
    }

    private async Task PushAsync(Guid sittingId, IReadOnlyList<SeenNotice> notices)
    {
        try
        {
            await invigilators.Clients.Group(LiveUpdates.SittingGroup(sittingId)).CandidatesSeen(notices);
        }
        catch (Exception exception) // including a cancellation from the backplane: nothing here may stop the loop
        {
            logger.LogWarning("{Count} heartbeats of sitting {Sitting} not pushed: {Reason}", notices.Count, sittingId, exception.Message);
        }
    }
}
