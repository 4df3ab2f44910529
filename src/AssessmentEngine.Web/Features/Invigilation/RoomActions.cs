using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// What the invigilator's actions on candidates share. Candidates are named by id; none named (no list) means the whole
/// room. Arguments are checked before anything is written: a list that is empty, too long, names a candidate twice or
/// one not booked on the sitting is refused, and so is a reason or note longer than <see cref="MaxNoteLength"/>.
/// Each action is written as events with the invigilator and the time; the store's listener pushes it to every
/// invigilator of the sitting and to the candidates it touches.
/// </summary>
public sealed class RoomActions(IDocumentStore store, InvigilatedSittings sittings, IBackgroundJobClient jobs, TimeProvider time)
{
    /// <summary>The most candidates one action may name: a room is at most a few hundred, and the whole room is named by naming none.</summary>
    public const int MaxNamedCandidates = 500;

    /// <summary>The longest reason or incident note, in characters: the dashboard's longest such field (the incident note) holds this many.</summary>
    public const int MaxNoteLength = 1_000;

    /// <summary>
    /// The candidates an action is for: those named, or (no list) everyone booked. A list naming nobody, more than
    /// <see cref="MaxNamedCandidates"/>, someone twice or someone not booked on the sitting is refused.
    /// </summary>
    public static IReadOnlyList<Guid> Named(Sitting sitting, IReadOnlyList<Guid>? candidateIds)
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
    public static void Bounded(string? text, string what)
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
    public async Task<IReadOnlyList<Attempt>> OnAttemptsAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, Action check,
        Func<Attempt, DateTimeOffset, IEnumerable<object>> decide, CancellationToken cancellationToken)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
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
    public async Task ScheduleDeadlinesAsync(IReadOnlyList<Attempt> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        await using var session = store.QuerySession();
        var attempts = await session.LoadManyAsync<Attempt>(cancellationToken, changed.Select(a => a.Id).ToArray());
        SubmitAtTimeUpJob.ScheduleAtDeadlines(jobs, attempts);
    }
}
