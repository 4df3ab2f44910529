using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>Who acts: the invigilator's account (they must be assigned to the sitting) and their sign-in name for the record.</summary>
public sealed record Invigilator(Guid Id, string Actor);

/// <summary>
/// The invigilator's actions on a sitting. Each is written as events with the invigilator and the time, then pushed to
/// every invigilator of the sitting and to the candidates it touches. Candidates are named by id; none named (no list)
/// means the whole room. Arguments are checked before anything is written: a list that is empty, too long, names a
/// candidate twice or one not booked on the sitting is refused, and so is a reason or note longer than
/// <see cref="MaxNoteLength"/> (a message, longer than the playbook's message_max_length).
/// </summary>
public sealed class Invigilating(
    IDocumentStore store, AdmitCandidate admission, InvigilationPlaybook playbook, IBackgroundJobClient jobs, CurrentAccounts accounts, TimeProvider time)
{
    public const string NoLongerInvigilating = "You are no longer an invigilator at this centre, so you cannot act on its sittings. Ask the exam officer if this is a mistake.";

    /// <summary>The most candidates one action may name: a room is at most a few hundred, and the whole room is named by naming none.</summary>
    public const int MaxNamedCandidates = 500;

    /// <summary>The longest reason or incident note, in characters: the dashboard's longest such field (the incident note) holds this many.</summary>
    public const int MaxNoteLength = 1_000;

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
            throw new RefusedException(RefusalKind.NotFound, "There is no such sitting assigned to you.");
        }

        var account = await accounts.GetAsync(invigilator.Id, cancellationToken);
        return account is not null && account.Holds(Role.Invigilator, sitting.CentreId)
            ? sitting
            : throw new RefusedException(RefusalKind.Forbidden, NoLongerInvigilating);
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
        await admission.AdmitAsync(sittingId, candidateId, identityChecked, invigilator.Id, invigilator.Actor, cancellationToken);
    }

    public async Task RefuseAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await SittingAsync(sittingId, invigilator, cancellationToken);
        Bounded(reason, "reason");
        await admission.RefuseAsync(sittingId, candidateId, reason, invigilator.Id, invigilator.Actor, cancellationToken);
    }

    /// <summary>
    /// Pauses the named candidates' tests (or every test under way in the room) and returns how many were paused. All or
    /// nothing: if any named candidate's test is not under way, none is paused and the refusal says why.
    /// </summary>
    public async Task<int> PauseAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var paused = await OnAttemptsAsync(sittingId, candidateIds, invigilator, () => Bounded(reason, "reason"),
            (attempt, now) => InvigilationDecisions.Pause(attempt, reason, invigilator.Actor, now), cancellationToken);
        return paused.Count;
    }

    /// <summary>Resumes the named candidates (or the room) and returns how many were resumed; all or nothing, as <see cref="PauseAsync"/>.</summary>
    public async Task<int> ResumeAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var resumed = await OnAttemptsAsync(sittingId, candidateIds, invigilator, () => { },
            (attempt, now) => InvigilationDecisions.Resume(attempt, invigilator.Actor, now), cancellationToken);
        await ScheduleDeadlinesAsync(resumed, cancellationToken);
        return resumed.Count;
    }

    /// <summary>Gives the named candidates (or the room) more time and returns how many were given it; all or nothing, as <see cref="PauseAsync"/>.</summary>
    public async Task<int> ExtendTimeAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, int minutes, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var extended = await OnAttemptsAsync(sittingId, candidateIds, invigilator, () =>
            {
                InvigilationDecisions.RequireExtension(minutes, reason);
                Bounded(reason, "reason");
            },
            (attempt, now) => InvigilationDecisions.ExtendTime(attempt, minutes, reason, invigilator.Actor, now), cancellationToken);
        await ScheduleDeadlinesAsync(extended, cancellationToken);
        return extended.Count;
    }

    public async Task VoidAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var voided = await OnAttemptsAsync(sittingId, [candidateId], invigilator, () =>
            {
                InvigilationDecisions.RequireVoidReason(reason);
                Bounded(reason, "reason");
            },
            (attempt, now) => InvigilationDecisions.Void(attempt, reason, invigilator.Actor, now), cancellationToken);
        if (voided.Count == 0)
        {
            throw new RefusedException(RefusalKind.Conflict, "This candidate has no attempt to void.");
        }

    }

    public async Task MessageAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? text, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > playbook.Rules.MessageMaxLength)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Write a message of 1 to {playbook.Rules.MessageMaxLength} characters.");
        }

        Named(sitting, candidateIds);
        var now = time.GetUtcNow();
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.Message(current, candidateIds ?? [], text.Trim(), invigilator.Actor, now), cancellationToken);
    }

    public async Task LogIncidentAsync(Guid sittingId, string? code, string? note, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var incident = playbook.IncidentCodes.FirstOrDefault(c => string.Equals(c.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new RefusedException(RefusalKind.Invalid, $"Choose one of the incident codes: {string.Join(", ", playbook.IncidentCodes.Select(c => c.Code))}.");
        if (incident.NoteRequired && string.IsNullOrWhiteSpace(note))
        {
            throw new RefusedException(RefusalKind.Invalid, $"An incident of type {incident.Code} ({incident.Title}) needs a note saying what happened.");
        }

        Bounded(note, "note");

        Named(sitting, candidateIds);
        var now = time.GetUtcNow();
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.Incident(current, incident, note, candidateIds ?? [], invigilator.Actor, now), cancellationToken);
    }

    public async Task RotateCodeAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var (code, now) = (AccessCodes.New(), time.GetUtcNow());
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.NewAccessCode(current, code, invigilator.Actor, now), cancellationToken);
    }

    /// <summary>Ends the sitting and submits every attempt still under way (reason sitting-ended). Ending again finishes what a failure left open.</summary>
    public async Task<int> EndAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.End(current, invigilator.Actor, now), cancellationToken);

        await using var session = store.QuerySession();
        var open = await session.Query<Attempt>().Where(a => a.SittingId == sittingId && a.Status == AttemptStatus.InProgress).ToListAsync(cancellationToken);
        var submitted = 0;
        foreach (var attempt in open)
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            var written = await store.DecideAsync<Attempt>(attempt.Id,
                current => AttemptDecisions.Submit(current, SubmissionReasons.SittingEnded, invigilator.Actor, now, items), cancellationToken);
            submitted += written.Count > 0 ? 1 : 0;
        }

        return submitted;
    }

    /// <summary>
    /// The candidates an action is for: those named, or (no list) everyone booked. A list naming nobody, more than
    /// <see cref="MaxNamedCandidates"/>, someone twice or someone not booked on the sitting is refused.
    /// </summary>
    private static IReadOnlyList<Guid> Named(Sitting sitting, IReadOnlyList<Guid>? candidateIds)
    {
        if (candidateIds is null)
        {
            return sitting.Bookings.Select(b => b.CandidateId).ToList();
        }

        if (candidateIds.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "No candidates were chosen: choose at least one, or none at all for the whole room.");
        }

        if (candidateIds.Count > MaxNamedCandidates)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Choose at most {MaxNamedCandidates} candidates at once, or none at all for the whole room.");
        }

        if (candidateIds.Distinct().Count() < candidateIds.Count)
        {
            throw new RefusedException(RefusalKind.Invalid, "A candidate was chosen more than once: choose each candidate once.");
        }

        var booked = sitting.Bookings.Select(b => b.CandidateId).ToHashSet();
        var strangers = candidateIds.Count(id => !booked.Contains(id));
        return strangers == 0 ? candidateIds
            : candidateIds.Count == 1 ? throw new RefusedException(RefusalKind.Invalid, "This candidate is not booked on this sitting.")
            : throw new RefusedException(RefusalKind.Invalid, $"{strangers} of the {candidateIds.Count} chosen candidates are not booked on this sitting; nothing was done.");
    }

    /// <summary>A reason or note is kept in the record and shown on every dashboard (a reason often to the candidate too): it has a length a person writes.</summary>
    private static void Bounded(string? text, string what)
    {
        var length = text?.Trim().Length ?? 0;
        if (length > MaxNoteLength)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Keep the {what} to {MaxNoteLength} characters; this one has {length}.");
        }
    }

    /// <summary>
    /// Decides on each named (or every) candidate's attempt and returns those that changed. The arguments are checked
    /// (<paramref name="check"/>) before anything is read, then every named candidate's attempt is decided on as it stands
    /// before any is written: one refusal refuses the whole action, with each reason and how many it concerns, and
    /// nothing is written. (Another writer can still change an attempt between that check and the write; that attempt
    /// is then refused alone, as the decision is made again on its new state.) For the whole room, only tests under way
    /// are acted on.
    /// </summary>
    private async Task<IReadOnlyList<Attempt>> OnAttemptsAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, Action check,
        Func<Attempt, DateTimeOffset, IEnumerable<object>> decide, CancellationToken cancellationToken)
    {
        var sitting = await SittingAsync(sittingId, invigilator, cancellationToken);
        var named = Named(sitting, candidateIds);
        check();
        var room = candidateIds is null;
        await using var session = store.QuerySession();
        var attempts = await session.LoadManyAsync<Attempt>(cancellationToken, named.Select(c => CheckIn.IdFor(sitting.Id, c)).ToArray());
        if (!room && attempts.Count < named.Count)
        {
            throw new RefusedException(RefusalKind.Conflict, named.Count == 1
                ? "This candidate has not checked in yet: they enter the access code on their computer first."
                : $"{named.Count - attempts.Count} of the {named.Count} chosen candidates have not checked in yet; nothing was done.");
        }

        var acting = attempts.Where(a => !room || a.InProgress).ToList();
        var refusals = acting.Select(a => Refusal(() => decide(a, time.GetUtcNow()))).OfType<string>().ToList();
        if (refusals.Count > 0)
        {
            throw new RefusedException(RefusalKind.Conflict, acting.Count == 1
                ? refusals[0]
                : "Nothing was done: " + string.Join(" ", refusals.GroupBy(r => r).Select(g => $"{g.Count()} of the {acting.Count} chosen candidates: {g.Key}")));
        }

        var changed = new List<Attempt>();
        foreach (var attempt in acting)
        {
            var now = time.GetUtcNow();
            var written = await store.DecideAsync<Attempt>(attempt.Id, current => decide(current, now), cancellationToken);
            if (written.Count > 0)
            {
                changed.Add(attempt);
            }
        }

        return changed;
    }

    /// <summary>The reason a decision refuses, or null when it does not (its events are made, and dropped).</summary>
    private static string? Refusal(Func<IEnumerable<object>> decide)
    {
        try
        {
            _ = decide().ToList();
            return null;
        }
        catch (RefusedException refused)
        {
            return refused.Message;
        }
    }

    /// <summary>After a resume or an extension the deadline moved: schedule the time-up job at the new one (the old one finds nothing due).</summary>
    private async Task ScheduleDeadlinesAsync(IReadOnlyList<Attempt> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        await using var session = store.QuerySession();
        var attempts = await session.LoadManyAsync<Attempt>(cancellationToken, changed.Select(a => a.Id).ToArray());
        foreach (var attempt in attempts.Where(a => a is { Status: AttemptStatus.InProgress, PausedAt: null, Deadline: not null }))
        {
            jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(attempt.Id, CancellationToken.None), attempt.Deadline!.Value);
        }
    }
}
