using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using JasperFx.Events;
using Marten;
using Marten.Services;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// Turns what is written into pushes: after every commit, each attempt with an event that changes what a screen shows
/// is marked for the invigilators' grid (<see cref="GridRows"/>, pushed within the second), and each whose status or
/// clock changed has its clock pushed to the candidate; each invigilator's action becomes
/// a line of the sitting's log, naming the candidate; a new access code or the sitting's end sends the whole dashboard;
/// a message reaches the pages of the candidates it names (or the room). Every writer is covered because the store is:
/// the hubs, the pages, the API and the jobs. Marking and verification change no live screen.
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

    /// <summary>Events that change what the candidate's own page shows: its status or clock.</summary>
    private static readonly HashSet<Type> Clocked =
    [
        typeof(CandidateAdmitted), typeof(AdmissionRefused), typeof(AttemptStarted), typeof(AttemptSubmitted), typeof(TimeOverrunLogged),
        typeof(AttemptPaused), typeof(AttemptResumed), typeof(TimeExtended), typeof(AttemptVoided),
    ];

    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var events = commit.GetEvents().ToList();
        // Presence facts are on a stream of their own; they name their attempt.
        var attempts = events.Where(e => Shown.Contains(e.EventType)).Select(e => e.Data is IPresenceEvent presence ? presence.AttemptId : e.StreamId).Distinct().ToList();
        var clocked = events.Where(e => Clocked.Contains(e.EventType)).Select(e => e.StreamId).Distinct().ToList();
        var sittingWide = events.Where(e => e.Data is MessageSent or IncidentLogged or AccessCodeIssued or SittingEnded or CandidateSignInCodeReissued).ToList();
        var actions = events.Where(e => e.Data is CandidateAdmitted or AdmissionRefused or AttemptPaused or AttemptResumed or TimeExtended or AttemptVoided).ToList();
        if (attempts.Count == 0 && sittingWide.Count == 0)
        {
            return;
        }

        // The grid's rows go out within the second, read then: nothing is read here for an answer, a flag or a heartbeat.
        services.GetRequiredService<GridRows>().Changed(attempts);
        if (clocked.Count == 0 && sittingWide.Count == 0)
        {
            return;
        }

        try
        {
            // The write has committed: the push must not fail it, nor be cut short by the writer's request ending.
            using var scope = services.CreateScope();
            var live = scope.ServiceProvider.GetRequiredService<LiveUpdates>();
            if (clocked.Count > 0)
            {
                await live.ClocksAsync(clocked, CancellationToken.None);
            }

            await using var query = services.GetRequiredService<IDocumentStore>().QuerySession();
            if (actions.Count > 0)
            {
                var acted = (await query.LoadManyAsync<Attempt>(CancellationToken.None, actions.Select(a => a.StreamId).Distinct().ToArray())).ToDictionary(a => a.Id);
                var numbers = (await query.LoadManyAsync<Candidate>(CancellationToken.None, acted.Values.Select(a => a.CandidateId).Distinct().ToArray()))
                    .ToDictionary(c => c.Id, c => c.CandidateNumber);
                foreach (var action in actions.Where(a => acted.ContainsKey(a.StreamId)))
                {
                    var attempt = acted[action.StreamId];
                    await live.LoggedAsync(attempt.SittingId, Entry(action.Data, numbers.GetValueOrDefault(attempt.CandidateId, "a candidate")));
                }
            }

            foreach (var change in sittingWide)
            {
                await SittingChangedAsync(scope.ServiceProvider, live, query, change);
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning("Live updates for {Count} attempt(s) and {Sitting} sitting change(s) not pushed: {Reason}", clocked.Count, sittingWide.Count, exception.Message);
        }
    }

    private static async Task SittingChangedAsync(IServiceProvider scoped, LiveUpdates live, IQuerySession query, IEvent change)
    {
        switch (change.Data)
        {
            case MessageSent sent:
                await live.MessageAsync(await RecipientsAsync(query, sent), new RoomMessage(sent.Text, "Invigilator", sent.SentAt));
                await live.LoggedAsync(sent.SittingId, $"{sent.Actor}: message to {(sent.CandidateIds.Count > 0 ? $"{sent.CandidateIds.Count} candidate(s)" : "the room")}: {sent.Text}");
                break;
            case IncidentLogged incident:
                await live.LoggedAsync(incident.SittingId, $"{incident.Actor} logged incident {incident.Code} ({incident.Title}){(incident.Note is null ? "" : ": " + incident.Note)}");
                break;
            case CandidateSignInCodeReissued issued:
                await live.LoggedAsync(issued.SittingId, $"{issued.Actor} gave a new sign-in code for {issued.CandidateNumber} (the old one no longer works)");
                break;
            case AccessCodeIssued or SittingEnded when await query.LoadAsync<Sitting>(change.StreamId, CancellationToken.None) is { } sitting:
                var dashboard = await SittingDashboard.LoadAsync(query, sitting, scoped.GetRequiredService<InvigilationPlaybook>(),
                    scoped.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None);
                await live.SittingChangedAsync(dashboard, change.Data is SittingEnded ended ? $"{ended.Actor} ended the sitting" : $"{((AccessCodeIssued)change.Data).Actor} changed the access code");
                break;
        }
    }

    /// <summary>The log line for an invigilator's action on one candidate's attempt.</summary>
    public static string Entry(object action, string candidateNumber) => action switch
    {
        CandidateAdmitted admitted => $"{admitted.Actor} admitted {candidateNumber}{(admitted.IdentityChecked ? " after an identity check" : " without an identity check")}",
        AdmissionRefused refused => $"{refused.Actor} refused admission to {candidateNumber}: {refused.Reason}",
        AttemptPaused paused => $"{paused.Actor} paused {candidateNumber}{(string.IsNullOrWhiteSpace(paused.Reason) ? "" : ": " + paused.Reason)}",
        AttemptResumed resumed => $"{resumed.Actor} resumed {candidateNumber}",
        TimeExtended extended => $"{extended.Actor} gave {candidateNumber} {extended.Minutes} more minute(s): {extended.Reason}",
        AttemptVoided voided => $"{voided.Actor} voided the attempt of {candidateNumber}: {voided.Reason}",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "not an invigilator's action"),
    };

    // The candidates named, or everyone booked when the message is to the room.
    private static async Task<IEnumerable<Guid>> RecipientsAsync(IQuerySession query, MessageSent message)
    {
        if (message.CandidateIds.Count > 0)
        {
            return message.CandidateIds.Select(candidate => CheckIn.IdFor(message.SittingId, candidate));
        }

        var sitting = await query.LoadAsync<Sitting>(message.SittingId, CancellationToken.None);
        return sitting is null ? [] : sitting.Bookings.Select(booking => CheckIn.IdFor(message.SittingId, booking.CandidateId));
    }
}
