using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>A message for a candidate's page: from whom, and when.</summary>
public sealed record RoomMessage(string Text, string From, DateTimeOffset SentAt);

/// <summary>A candidate's page was heard from at <paramref name="At"/> (a heartbeat; nothing else changed).</summary>
public sealed record SeenNotice(Guid CandidateId, DateTimeOffset At);

/// <summary>What an invigilator's screen is told as things happen.</summary>
public interface IInvigilatorClient
{
    /// <summary>The rows that changed, at most one message a second per sitting and node, each row as it stood then (see <see cref="GridRows"/>).</summary>
    Task CandidatesChanged(IReadOnlyList<DashboardRow> rows);

    /// <summary>Heartbeats, at most one message a second per sitting and node, the latest per candidate (see <see cref="SeenNotices"/>).</summary>
    Task CandidatesSeen(IReadOnlyList<SeenNotice> notices);

    Task SittingChanged(Dashboard dashboard);

    Task Logged(string entry);

    /// <summary>The invigilator lost their role at the sitting's centre: the dashboard says why and stops.</summary>
    Task AccessWithdrawn(Guid centreId, string reason);
}

/// <summary>What a candidate's page is told as things happen.</summary>
public interface ICandidateClient
{
    Task StateChanged(Clock clock);

    Task MessageReceived(RoomMessage message);
}

/// <summary>
/// Pushes changes after they are written: the clock to the candidate, messages, log lines and the whole dashboard (the
/// grid's rows go through <see cref="GridRows"/>, batched). A push that fails (a backplane away) is logged and dropped:
/// the write stands, and screens reload their full state on reconnect.
/// </summary>
public sealed class LiveUpdates(
    IHubContext<InvigilationHub, IInvigilatorClient> invigilators, IHubContext<CandidateHub, ICandidateClient> candidates,
    IDocumentStore store, TimeProvider time, ILogger<LiveUpdates> logger)
{
    public static string SittingGroup(Guid sittingId) => $"sitting:{sittingId:N}";

    public static string AttemptGroup(Guid attemptId) => $"attempt:{attemptId:N}";

    /// <summary>
    /// The attempts' status or clock changed (admitted, started, paused, given time, submitted, voided): each one's clock
    /// to its candidate's page, read in one round trip. Answers and flags change no clock: the page has it from the save.
    /// </summary>
    public async Task ClocksAsync(IReadOnlyList<Guid> attemptIds, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = store.QuerySession();
            var now = time.GetUtcNow();
            foreach (var attempt in await session.LoadManyAsync<Attempt>(cancellationToken, attemptIds.ToArray()))
            {
                await candidates.Clients.Group(AttemptGroup(attempt.Id)).StateChanged(Answering.ClockOf(attempt, now));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Clocks of {Count} attempt(s) not pushed: {Reason}", attemptIds.Count, exception.Message);
        }
    }

    public async Task MessageAsync(IEnumerable<Guid> attemptIds, RoomMessage message)
    {
        try
        {
            await candidates.Clients.Groups(attemptIds.Select(AttemptGroup).ToList()).MessageReceived(message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Message not pushed: {Reason}", exception.Message);
        }
    }

    /// <summary>A line for the invigilators' log of the sitting.</summary>
    public async Task LoggedAsync(Guid sittingId, string entry)
    {
        try
        {
            await invigilators.Clients.Group(SittingGroup(sittingId)).Logged(entry);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Log entry not pushed: {Reason}", exception.Message);
        }
    }

    public async Task SittingChangedAsync(Dashboard dashboard, string? logEntry = null)
    {
        try
        {
            var group = invigilators.Clients.Group(SittingGroup(dashboard.SittingId));
            await group.SittingChanged(dashboard);
            if (logEntry is not null)
            {
                await group.Logged(logEntry);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Sitting update not pushed: {Reason}", exception.Message);
        }
    }
}
