using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>Who acts: the invigilator's account (they must be assigned to the sitting) and their sign-in name for the record.</summary>
public sealed record Invigilator(Guid Id, string Actor);

/// <summary>
/// The invigilator's actions on a sitting. Each is written as events with the invigilator and the time, then pushed to
/// every invigilator of the sitting and to the candidates it touches. Candidates are named by id; none named means the
/// whole room.
/// </summary>
public sealed class Invigilating(
    IDocumentStore store, AdmitCandidate admission, LiveUpdates live, InvigilationPlaybook playbook, IBackgroundJobClient jobs, CurrentAccounts accounts, TimeProvider time)
{
    public const string NoLongerInvigilating = "You are no longer an invigilator at this centre, so you cannot act on its sittings. Ask the exam officer if this is a mistake.";

    /// <summary>
    /// The sitting, if the caller was assigned to it when it was scheduled and is still an invigilator at its centre
    /// now (their account as it stands, not the roles they signed in with).
    /// </summary>
    public async Task<Sitting> SittingAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var sitting = await session.LoadAsync<Sitting>(sittingId, cancellationToken);
        if (sitting is null || !sitting.InvigilatorIds.Contains(invigilator.Id))
        {
            throw new AttemptRefusedException("There is no such sitting assigned to you.", StatusCodes.Status404NotFound);
        }

        var account = await accounts.GetAsync(invigilator.Id, cancellationToken);
        return account is not null && account.Holds(Role.Invigilator, sitting.CentreId)
            ? sitting
            : throw new AttemptRefusedException(NoLongerInvigilating, StatusCodes.Status403Forbidden);
    }

    public async Task<Dashboard> DashboardAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        await using var session = store.QuerySession();
        return await SittingDashboard.LoadAsync(session, sitting, playbook, time.GetUtcNow(), cancellationToken);
    }

    public async Task AdmitAsync(Guid sittingId, Guid candidateId, bool identityChecked, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await SittingAsync(sittingId, invigilator, cancellationToken);
        var attempt = await admission.AdmitAsync(sittingId, candidateId, identityChecked, invigilator.Id, invigilator.Actor, cancellationToken);
        await live.AttemptChangedAsync(attempt.Id, cancellationToken);
    }

    public async Task RefuseAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await SittingAsync(sittingId, invigilator, cancellationToken);
        var attempt = await admission.RefuseAsync(sittingId, candidateId, reason, invigilator.Id, invigilator.Actor, cancellationToken);
        await live.AttemptChangedAsync(attempt.Id, cancellationToken);
    }

    public async Task<int> PauseAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var paused = await OnAttemptsAsync(sittingId, candidateIds, invigilator, (attempt, now) => InvigilationDecisions.Pause(attempt, reason, invigilator.Actor, now), cancellationToken);
        await PushSittingAsync(sittingId, $"{invigilator.Actor} paused {Whom(candidateIds, paused)}", cancellationToken);
        return paused;
    }

    public async Task<int> ResumeAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var resumed = await OnAttemptsAsync(sittingId, candidateIds, invigilator, (attempt, now) => InvigilationDecisions.Resume(attempt, invigilator.Actor, now), cancellationToken);
        await ScheduleDeadlinesAsync(sittingId, candidateIds, cancellationToken);
        await PushSittingAsync(sittingId, $"{invigilator.Actor} resumed {Whom(candidateIds, resumed)}", cancellationToken);
        return resumed;
    }

    public async Task<int> ExtendTimeAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, int minutes, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var extended = await OnAttemptsAsync(sittingId, candidateIds, invigilator,
            (attempt, now) => InvigilationDecisions.ExtendTime(attempt, minutes, reason, invigilator.Actor, now), cancellationToken);
        await ScheduleDeadlinesAsync(sittingId, candidateIds, cancellationToken);
        await PushSittingAsync(sittingId, $"{invigilator.Actor} gave {Whom(candidateIds, extended)} {minutes} more minute(s): {reason}", cancellationToken);
        return extended;
    }

    public async Task VoidAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        if (await OnAttemptsAsync(sittingId, [candidateId], invigilator, (attempt, now) => InvigilationDecisions.Void(attempt, reason, invigilator.Actor, now), cancellationToken) == 0)
        {
            throw new AttemptRefusedException("This candidate has no attempt to void.");
        }

        await PushSittingAsync(sittingId, $"{invigilator.Actor} voided an attempt: {reason}", cancellationToken);
    }

    public async Task MessageAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? text, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > playbook.Rules.MessageMaxLength)
        {
            throw new AttemptRefusedException($"Write a message of 1 to {playbook.Rules.MessageMaxLength} characters.", StatusCodes.Status400BadRequest);
        }

        var to = Named(sitting, candidateIds);
        var now = time.GetUtcNow();
        await AppendToSittingAsync(sitting.Id, new MessageSent(sitting.Id, candidateIds ?? [], text.Trim(), invigilator.Actor, now), cancellationToken);
        await live.MessageAsync(to.Select(c => CheckIn.IdFor(sitting.Id, c)), new RoomMessage(text.Trim(), "Invigilator", now));
        await PushSittingAsync(sitting.Id, $"{invigilator.Actor}: message to {(candidateIds is { Count: > 0 } ? $"{candidateIds.Count} candidate(s)" : "the room")}: {text.Trim()}", cancellationToken);
    }

    public async Task LogIncidentAsync(Guid sittingId, string? code, string? note, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var incident = playbook.IncidentCodes.FirstOrDefault(c => string.Equals(c.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new AttemptRefusedException($"Choose one of the incident codes: {string.Join(", ", playbook.IncidentCodes.Select(c => c.Code))}.", StatusCodes.Status400BadRequest);
        if (incident.NoteRequired && string.IsNullOrWhiteSpace(note))
        {
            throw new AttemptRefusedException($"An incident of type {incident.Code} ({incident.Title}) needs a note saying what happened.", StatusCodes.Status400BadRequest);
        }

        Named(sitting, candidateIds);
        await AppendToSittingAsync(sitting.Id, new IncidentLogged(sitting.Id, incident.Code, incident.Title, string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            candidateIds ?? [], invigilator.Actor, time.GetUtcNow()), cancellationToken);
        await PushSittingAsync(sitting.Id, $"{invigilator.Actor} logged incident {incident.Code} ({incident.Title}){(string.IsNullOrWhiteSpace(note) ? "" : ": " + note.Trim())}", cancellationToken);
    }

    public async Task RotateCodeAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        await AppendToSittingAsync(sitting.Id, new AccessCodeIssued(sitting.Id, AccessCodes.New(), invigilator.Actor, time.GetUtcNow()), cancellationToken);
        await PushSittingAsync(sitting.Id, $"{invigilator.Actor} changed the access code", cancellationToken);
    }

    /// <summary>Ends the sitting and submits every attempt still under way (reason sitting-ended). Ending again finishes what a failure left open.</summary>
    public async Task<int> EndAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var now = time.GetUtcNow();
        if (!sitting.Ended)
        {
            await AppendToSittingAsync(sitting.Id, new SittingEnded(sitting.Id, invigilator.Actor, now), cancellationToken);
        }

        await using var session = store.QuerySession();
        var open = await session.Query<Attempt>().Where(a => a.SittingId == sittingId && a.Status == AttemptStatus.InProgress).ToListAsync(cancellationToken);
        var submitted = 0;
        foreach (var attempt in open)
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            var written = await store.DecideAsync<Attempt>(attempt.Id,
                current => AttemptDecisions.Submit(current, SubmissionReasons.SittingEnded, invigilator.Actor, now, items), cancellationToken);
            submitted += written.Count > 0 ? 1 : 0;
            await live.AttemptChangedAsync(attempt.Id, cancellationToken);
        }

        await PushSittingAsync(sitting.Id, $"{invigilator.Actor} ended the sitting; {submitted} attempt(s) under way submitted", cancellationToken);
        return submitted;
    }

    private static string Whom(IReadOnlyList<Guid>? candidateIds, int changed) =>
        candidateIds is { Count: > 0 } ? $"{changed} candidate(s)" : $"the room ({changed} candidate(s))";

    private static IReadOnlyList<Guid> Named(Sitting sitting, IReadOnlyList<Guid>? candidateIds)
    {
        if (candidateIds is not { Count: > 0 })
        {
            return sitting.Bookings.Select(b => b.CandidateId).ToList();
        }

        return candidateIds.All(id => sitting.Bookings.Any(b => b.CandidateId == id))
            ? candidateIds
            : throw new AttemptRefusedException("Some of the chosen candidates are not booked on this sitting.", StatusCodes.Status400BadRequest);
    }

    /// <summary>Decides on each named (or every) candidate's attempt; returns how many changed. A refusal for one named candidate stops with its reason.</summary>
    private async Task<int> OnAttemptsAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator,
        Func<Attempt, DateTimeOffset, IEnumerable<object>> decide, CancellationToken cancellationToken)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var room = candidateIds is not { Count: > 0 };
        await using var session = store.QuerySession();
        var attempts = await session.LoadManyAsync<Attempt>(cancellationToken, Named(sitting, candidateIds).Select(c => CheckIn.IdFor(sitting.Id, c)).ToArray());
        if (!room && attempts.Count < candidateIds!.Count)
        {
            throw new AttemptRefusedException("Some of the chosen candidates have not checked in.");
        }

        var changed = 0;
        foreach (var attempt in attempts.Where(a => !room || a.InProgress))
        {
            var now = time.GetUtcNow();
            var written = await store.DecideAsync<Attempt>(attempt.Id, current => decide(current, now), cancellationToken);
            if (written.Count > 0)
            {
                changed++;
                await live.AttemptChangedAsync(attempt.Id, cancellationToken);
            }
        }

        return changed;
    }

    /// <summary>After a resume or an extension the deadline moved: schedule the time-up job at the new one (the old one finds nothing due).</summary>
    private async Task ScheduleDeadlinesAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var attempts = await session.Query<Attempt>().Where(a => a.SittingId == sittingId && a.Status == AttemptStatus.InProgress).ToListAsync(cancellationToken);
        foreach (var attempt in attempts.Where(a => a.PausedAt is null && a.Deadline is not null && (candidateIds is not { Count: > 0 } || candidateIds.Contains(a.CandidateId))))
        {
            jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(attempt.Id, CancellationToken.None), attempt.Deadline!.Value);
        }
    }

    private async Task AppendToSittingAsync(Guid sittingId, object @event, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Events.Append(sittingId, @event);
        await session.SaveChangesAsync(cancellationToken);
    }

    private async Task PushSittingAsync(Guid sittingId, string entry, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var sitting = (await session.LoadAsync<Sitting>(sittingId, cancellationToken))!;
        await live.SittingChangedAsync(await SittingDashboard.LoadAsync(session, sitting, playbook, time.GetUtcNow(), cancellationToken), entry);
    }
}
