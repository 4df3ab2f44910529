using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// The candidate's live connection: it reports heartbeats, focus and the connection itself, and receives the clock
/// (paused, extended, voided, submitted) and messages. Answers never travel here: they go over HTTP and are acknowledged.
/// </summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateHub(IDocumentStore store, SeenNotices seen, TimeProvider time) : Hub<ICandidateClient>
{
    private static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}";
    private const string AttemptKey = "attempt";
    private const string SittingKey = "sitting";

    public async Task<Clock> Join(Guid attemptId)
    {
        await using var session = store.QuerySession();
        var attempt = await session.OwnAttemptAsync(Context.User!, attemptId, Context.ConnectionAborted);
        Context.Items[AttemptKey] = attempt.Id;
        Context.Items[SittingKey] = (attempt.SittingId, attempt.CandidateId);
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.AttemptGroup(attempt.Id));
        await SeenAsync(attempt);
        var now = time.GetUtcNow();
        await store.DecideOnViewAsync<CandidatePresence>(CandidatePresence.StreamFor(attempt.Id), attempt.Id,
            presence => InvigilationDecisions.Connection(presence ?? new CandidatePresence(attempt.Id), true, Node, now), Context.ConnectionAborted);
        return Answering.ClockOf((await session.LoadAsync<Attempt>(attempt.Id, Context.ConnectionAborted))!, now);
    }

    /// <summary>
    /// The page is alive: noted for the next second's write of every presence heard and the sitting's next push
    /// (<see cref="SeenNotices"/>), no reads and no write of its own — at thousands of candidates every ten seconds this
    /// is most of the hub's traffic. The connection's own state comes from Join and disconnection.
    /// </summary>
    public Task Heartbeat(Guid attemptId)
    {
        if (!Context.Items.TryGetValue(AttemptKey, out var joined) || joined is not Guid id || id != attemptId
            || Context.Items[SittingKey] is not (Guid sittingId, Guid candidateId))
        {
            throw new HubException("Join the attempt first.");
        }

        seen.Seen(sittingId, candidateId, attemptId, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public async Task Focus(Guid attemptId, bool lost)
    {
        var attempt = await JoinedAsync(attemptId);
        var now = time.GetUtcNow();
        await store.DecideOnViewAsync<CandidatePresence>(CandidatePresence.StreamFor(attempt.Id), attempt.Id,
            presence => InvigilationDecisions.Focus(attempt, presence ?? new CandidatePresence(attempt.Id), lost, now), Context.ConnectionAborted);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(AttemptKey, out var joined) && joined is Guid attemptId)
        {
            var now = time.GetUtcNow();
            await store.DecideOnViewAsync<CandidatePresence>(CandidatePresence.StreamFor(attemptId), attemptId,
                presence => InvigilationDecisions.Connection(presence ?? new CandidatePresence(attemptId), false, Node, now), CancellationToken.None);
        }

        await base.OnDisconnectedAsync(exception);
    }

    private async Task<Attempt> JoinedAsync(Guid attemptId)
    {
        if (!Context.Items.TryGetValue(AttemptKey, out var joined) || joined is not Guid id || id != attemptId)
        {
            throw new HubException("Join the attempt first.");
        }

        await using var session = store.QuerySession();
        return (await session.LoadAsync<Attempt>(attemptId, Context.ConnectionAborted))!;
    }

    private async Task SeenAsync(Attempt attempt)
    {
        await using var session = store.LightweightSession();
        session.Store(new Presence(attempt.Id, attempt.SittingId, time.GetUtcNow()));
        await session.SaveChangesAsync(Context.ConnectionAborted);
    }
}

/// <summary>
/// Hub calls are not seen by the rate-limiting middleware: at most <see cref="PerSecond"/> calls a second per connection,
/// beyond which a call is refused (a misbehaving or hostile page cannot flood the node).
/// </summary>
public sealed class HubThrottle : IHubFilter
{
    public const int PerSecond = 20;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var items = invocationContext.Context.Items;
        var second = Environment.TickCount64 / 1000;
        var (window, count) = items.TryGetValue(nameof(HubThrottle), out var held) && held is (long w, int c) ? (w, c) : (second, 0);
        (window, count) = window == second ? (window, count + 1) : (second, 1);
        items[nameof(HubThrottle)] = (window, count);
        if (count > PerSecond)
        {
            throw new HubException("Too many requests; slow down.");
        }

        return await next(invocationContext);
    }
}
