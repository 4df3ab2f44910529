using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// Coalesces the invigilators' grid rows: a write only marks its attempt as changed, and once every
/// <see cref="Interval"/> the changed attempts are read together (one round trip for the attempts and their presence,
/// one for their candidates) and each sitting gets one <see cref="IInvigilatorClient.CandidatesChanged"/> message with
/// each changed candidate's row as it stands then. Without it 3,000 candidates answering every 20 s, watched by 30
/// invigilators, are 4,500 pushes a second, each after two reads on the candidate's own request; with it, one read and
/// one message a second per sitting, and nothing on the candidate's request.
/// </summary>
/// <remarks>
/// One second is what the grid shows: its answered counts and states are read by people, and the candidate's own page
/// has its acknowledgement at once. Each node batches the changes written on it; behind the Redis backplane a push to a
/// sitting's group from any node reaches every invigilator on every node. A flush that fails is logged and its
/// attempts marked again for the next one (a row is pushed as it stands then, so nothing is pushed out of date); a
/// reconnecting dashboard reloads the whole grid. Nothing is flushed at shutdown: the dashboards' connections to this
/// node are closing too, and reconnect to the whole grid.
/// </remarks>
public sealed class GridRows(
    IHubContext<InvigilationHub, IInvigilatorClient> invigilators, IDocumentStore store, TimeProvider time, ILogger<GridRows> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private HashSet<Guid> _changed = [];

    /// <summary>Marks the attempt's row as changed; never throws, never waits on the network or the database.</summary>
    public void Changed(IEnumerable<Guid> attemptIds)
    {
        lock (_gate)
        {
            _changed.UnionWith(attemptIds);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        HashSet<Guid> due;
        lock (_gate)
        {
            if (_changed.Count == 0)
            {
                return;
            }

            (due, _changed) = (_changed, []);
        }

        try
        {
            foreach (var sitting in await RowsAsync(due.ToArray(), cancellationToken))
            {
                await invigilators.Clients.Group(LiveUpdates.SittingGroup(sitting.Key)).CandidatesChanged(sitting.Value);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Count} grid rows not pushed, kept for the next push: {Reason}", due.Count, exception.Message);
            Changed(due);
        }
    }

    /// <summary>The rows of these attempts as they stand now, by sitting.</summary>
    private async Task<Dictionary<Guid, List<DashboardRow>>> RowsAsync(Guid[] attemptIds, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var batch = session.CreateBatchQuery();
        var loadingAttempts = batch.LoadMany<Attempt>().ById(attemptIds);
        var loadingPresence = batch.LoadMany<Presence>().ById(attemptIds);
        var loadingPages = batch.LoadMany<CandidatePresence>().ById(attemptIds);
        await batch.Execute(cancellationToken);
        var attempts = await loadingAttempts;
        var presence = (await loadingPresence).ToDictionary(p => p.Id);
        var pages = (await loadingPages).ToDictionary(p => p.Id);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, attempts.Select(a => a.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var now = time.GetUtcNow();
        return attempts.Where(a => candidates.ContainsKey(a.CandidateId))
            .GroupBy(a => a.SittingId)
            .ToDictionary(g => g.Key, g => g.Select(a => SittingDashboard.Row(candidates[a.CandidateId], a, presence.GetValueOrDefault(a.Id), pages.GetValueOrDefault(a.Id), now)).ToList());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
