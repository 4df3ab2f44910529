using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Sittings;
using Marten;
using Marten.Services;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// Turns what is written into pushes: after every commit, each attempt with an event that changes what a screen shows
/// is pushed once (its row to the sitting's invigilators, its clock to the candidate). Every writer is covered because
/// the store is: the hubs, the pages, the API and the jobs. Marking and verification change no live screen. A message
/// to the room or to named candidates reaches their pages the same way.
/// </summary>
public sealed class LivePushes(IServiceProvider services, ILogger<LivePushes> logger) : DocumentSessionListenerBase
{
    private static readonly HashSet<Type> Shown =
    [
        typeof(CandidateCheckedIn), typeof(CandidateAdmitted), typeof(AdmissionRefused), typeof(AttemptStarted), typeof(AttemptOpened),
        typeof(AnswerSaved), typeof(ItemFlagged), typeof(AnswerRefused), typeof(AttemptSubmitted), typeof(TimeOverrunLogged),
        typeof(AttemptPaused), typeof(AttemptResumed), typeof(TimeExtended), typeof(AttemptVoided),
        typeof(FocusLost), typeof(FocusRegained), typeof(CandidateConnected), typeof(CandidateDisconnected),
    ];

    public static bool IsShown(Type eventType) => Shown.Contains(eventType);

    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var events = commit.GetEvents().ToList();
        var attempts = events.Where(e => Shown.Contains(e.EventType)).Select(e => e.StreamId).Distinct().ToList();
        var messages = events.Select(e => e.Data).OfType<MessageSent>().ToList();
        if (attempts.Count == 0 && messages.Count == 0)
        {
            return;
        }

        try
        {
            // The write has committed: the push must not fail it, nor be cut short by the writer's request ending.
            using var scope = services.CreateScope();
            var live = scope.ServiceProvider.GetRequiredService<LiveUpdates>();
            foreach (var attemptId in attempts)
            {
                await live.AttemptChangedAsync(attemptId, CancellationToken.None);
            }

            foreach (var message in messages)
            {
                await live.MessageAsync(await RecipientsAsync(message), new RoomMessage(message.Text, "Invigilator", message.SentAt));
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning("Live updates for {Count} attempt(s) and {Messages} message(s) not pushed: {Reason}", attempts.Count, messages.Count, exception.Message);
        }
    }

    // The candidates named, or everyone booked when the message is to the room.
    private async Task<IEnumerable<Guid>> RecipientsAsync(MessageSent message)
    {
        if (message.CandidateIds.Count > 0)
        {
            return message.CandidateIds.Select(candidate => CheckIn.IdFor(message.SittingId, candidate));
        }

        await using var query = services.GetRequiredService<IDocumentStore>().QuerySession();
        var sitting = await query.LoadAsync<Sitting>(message.SittingId);
        return sitting is null ? [] : sitting.Bookings.Select(booking => CheckIn.IdFor(message.SittingId, booking.CandidateId));
    }
}
