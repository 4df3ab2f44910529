using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// Coalesces heartbeats for the invigilators: a heartbeat only records the latest time each candidate was heard from, and
/// once every <see cref="Interval"/> each sitting with news gets one <see cref="IInvigilatorClient.CandidatesSeen"/>
/// message. Without it 3,000 candidates beating every 10 s, watched by 30 invigilators, are 9,000 pushes a second for a
/// column shown in whole seconds; with it, one push a second per sitting.
/// </summary>
/// <remarks>
/// One second is enough: the dashboard's connection column counts seconds and the rules' disconnection threshold is tens
/// of seconds. Each node batches only the heartbeats its own candidates sent; that is correct behind the Redis backplane,
/// where a push to a group from any node reaches every invigilator on every node (who then gets one message a second per
/// node). A push that fails is logged and its notices dropped, as every live push is: the next heartbeat, ten seconds on,
/// brings the candidate back, and a reconnecting dashboard reloads the stored presence in full. For the same reason
/// nothing is flushed at shutdown: the invigilators' connections to this node are closing too.
/// </remarks>
public sealed class SeenNotices(
    IHubContext<InvigilationHub, IInvigilatorClient> invigilators, TimeProvider time, ILogger<SeenNotices> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Dictionary<Guid, Dictionary<Guid, DateTimeOffset>> _pending = [];

    /// <summary>Records that the candidate was heard from; never throws and never waits on the network.</summary>
    public void Seen(Guid sittingId, Guid candidateId, DateTimeOffset at)
    {
        lock (_gate)
        {
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

    private async Task FlushAsync()
    {
        Dictionary<Guid, Dictionary<Guid, DateTimeOffset>> due;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            (due, _pending) = (_pending, []);
        }

        await Task.WhenAll(due.Select(sitting => PushAsync(sitting.Key, [.. sitting.Value.Select(c => new SeenNotice(c.Key, c.Value))])));
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
            // Shutting down.
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
