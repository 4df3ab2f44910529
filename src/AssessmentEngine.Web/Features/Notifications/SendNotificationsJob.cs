using AssessmentEngine.Web.Features.Identity;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Notifications;

/// <summary>
/// Empties the outbox every minute through the configured sender. A message is marked sent only after the sender took
/// it, so a crash in between may send it twice (at least once, never lost); a failure is kept and tried again later.
/// </summary>
public sealed class SendNotificationsJob(IDocumentStore store, INotificationSender sender, TimeProvider time, ILogger<SendNotificationsJob> logger)
{
    public const string Id = "send-notifications";
    private const int Batch = 200;

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var waiting = await session.Query<Notification>()
            .Where(n => n.SentAt == null && n.Tries < NotificationOutbox.MaxTries)
            .OrderBy(n => n.CreatedAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, waiting.Select(n => n.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var sent = 0;
        foreach (var notification in waiting)
        {
            candidates.TryGetValue(notification.CandidateId, out var candidate);
            var message = new OutgoingMessage(candidate?.Email, candidate?.Name ?? "candidate", notification.Subject, notification.Body);
            try
            {
                await sender.SendAsync(message, cancellationToken);
                session.Store(notification with { SentAt = time.GetUtcNow(), SentBy = sender.Name, Tries = notification.Tries + 1, Failure = null });
                sent++;
            }
            catch (NotificationNotSentException failed)
            {
                logger.LogWarning("Notification {Id} not sent: {Reason}", notification.Id, failed.Message);
                session.Store(notification with { Tries = failed.WorthRetrying ? notification.Tries + 1 : NotificationOutbox.MaxTries, Failure = failed.Message });
            }

            // Save as we go: a message the sender took is recorded at once, whatever happens to the rest of the batch.
            await session.SaveChangesAsync(cancellationToken);
        }

        return sent;
    }
}
