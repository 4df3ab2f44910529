using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Identity;
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
    Task CandidateChanged(DashboardRow row);

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
/// Pushes changes after they are written: a row to the sitting's invigilators, the clock to the candidate. A push that
/// fails (a backplane away) is logged and dropped: the write stands, and screens reload their full state on reconnect.
/// </summary>
public sealed class LiveUpdates(
    IHubContext<InvigilationHub, IInvigilatorClient> invigilators, IHubContext<CandidateHub, ICandidateClient> candidates,
    IDocumentStore store, TimeProvider time, ILogger<LiveUpdates> logger)
{
    public static string SittingGroup(Guid sittingId) => $"sitting:{sittingId:N}";

    public static string AttemptGroup(Guid attemptId) => $"attempt:{attemptId:N}";

    /// <summary>The attempt changed: its row to the invigilators, its clock to the candidate.</summary>
    public async Task AttemptChangedAsync(Guid attemptId, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = store.QuerySession();
            // One round trip for what is keyed by the attempt, one for the candidate.
            var batch = session.CreateBatchQuery();
            var loadingAttempt = batch.Load<Attempt>(attemptId);
            var loadingPresence = batch.Load<Presence>(attemptId);
            var loadingPage = batch.Load<CandidatePresence>(attemptId);
            await batch.Execute(cancellationToken);
            var attempt = await loadingAttempt;
            if (attempt is null)
            {
                return;
            }

            var presence = await loadingPresence;
            var page = await loadingPage;
            var candidate = await session.LoadAsync<Candidate>(attempt.CandidateId, cancellationToken);
            var now = time.GetUtcNow();
            if (candidate is not null)
            {
                await invigilators.Clients.Group(SittingGroup(attempt.SittingId)).CandidateChanged(SittingDashboard.Row(candidate, attempt, presence, page, now));
            }

            await candidates.Clients.Group(AttemptGroup(attemptId)).StateChanged(Answering.ClockOf(attempt, now));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Live update for attempt {Attempt} not pushed: {Reason}", attemptId, exception.Message);
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
