using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Answering;

/// <summary>One change as the page sends it: an answer (<see cref="Response"/>) or a flag (<see cref="Flagged"/>) for question <see cref="Item"/>.</summary>
public sealed record PageChange(long Sequence, int Item, PaperResponse? Response, bool? Flagged);

public sealed record SaveRequest(string Page, IReadOnlyList<PageChange> Changes);

public sealed record RefusedChange(long Sequence, string Reason);

/// <summary>
/// What the page learns from every call and every push: where the attempt stands and the server's clock. While
/// <see cref="Paused"/>, the time left stays at <see cref="RemainingSeconds"/>; <see cref="Notice"/> says why an attempt was voided.
/// </summary>
public sealed record Clock(string Status, DateTimeOffset? Deadline, DateTimeOffset ServerNow, string TimeLimit, bool Paused, int? RemainingSeconds, string? Notice);

public sealed record SaveResult(IReadOnlyList<long> Acknowledged, IReadOnlyList<RefusedChange> Refused, Clock Clock);

public sealed record SavedAnswer(PaperResponse Response, long Sequence);

/// <summary>Everything the test page needs to run, and nothing a candidate should not see.</summary>
public sealed record OpenedAttempt(
    Guid AttemptId, string UnitCode, string Title, int ExtraTimePercent, IReadOnlyList<PaperItem> Items,
    IReadOnlyDictionary<int, SavedAnswer> Answers, IReadOnlyList<int> Flagged, long LastSequence, Clock Clock);

/// <summary>Opening the test page and saving answers: the page's two calls while the candidate works.</summary>
public sealed class Answering(IDocumentStore store, TimeProvider time)
{
    public static Clock ClockOf(Attempt attempt, DateTimeOffset now) =>
        new(attempt.Status.ToString(), attempt.Deadline, now, attempt.TimeLimit.ToString().ToLowerInvariant(), attempt.PausedAt is not null,
            attempt.RemainingAt(now) is { } left ? (int)Math.Ceiling(left.TotalSeconds) : null, attempt.VoidReason);

    /// <summary>The page (a load, a reload, another tab or computer) takes over the attempt: from now on only it saves.</summary>
    public async Task<OpenedAttempt> OpenAsync(Attempt attempt, string page, string actor, string title, CancellationToken cancellationToken)
    {
        if (!attempt.InProgress)
        {
            throw new RefusedException(RefusalKind.Conflict, attempt.Status == AttemptStatus.Submitted ? "This test has been submitted." : "The test has not started yet.");
        }

        if (string.IsNullOrWhiteSpace(page) || page.Length > 64)
        {
            throw new RefusedException(RefusalKind.Invalid, "The page did not say who it is.");
        }

        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.Open(current, page, actor, now), cancellationToken);
        await using var session = store.QuerySession();
        attempt = (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
        var paper = new Paper(attempt, await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken));
        return new OpenedAttempt(attempt.Id, attempt.UnitCode, title, attempt.ExtraTimePercent, paper.Items,
            attempt.Answers.ToDictionary(a => paper.NumberOf(a.Key), a => new SavedAnswer(paper.Show(a.Key, a.Value.Response), a.Value.Sequence)),
            attempt.Flags.Where(f => f.Value.Flagged).Select(f => paper.NumberOf(f.Key)).Order().ToList(),
            attempt.LastSequence, ClockOf(attempt, now));
    }

    /// <summary>
    /// Saves a batch idempotently by sequence number; every change is acknowledged or refused with the reason. The
    /// attempt is read once (for writing, with its version) and written once; whose it is is checked on what was read.
    /// </summary>
    public async Task<SaveResult> SaveAsync(Guid attemptId, Guid candidateId, SaveRequest request, CancellationToken cancellationToken)
    {
        if (request.Changes is not { Count: > 0 and <= 500 })
        {
            throw new RefusedException(RefusalKind.Invalid, "Send from 1 to 500 changes at a time.");
        }

        var now = time.GetUtcNow();
        var saved = await store.DecideAsync<Attempt, SaveResult>(attemptId, async current =>
        {
            var attempt = CandidateIds.Own(current, candidateId);
            if (attempt.Form is null)
            {
                throw new RefusedException(RefusalKind.Conflict, "The test has not started yet.");
            }

            await using var session = store.QuerySession(); // opened only when this node has not yet seen an item of the form
            var paper = new Paper(attempt, await PinnedItems.LoadAsync(session, attempt.Form, cancellationToken));
            var changes = request.Changes.Select(change => change.Sequence <= 0
                ? throw new RefusedException(RefusalKind.Invalid, "Sequence numbers start at 1.")
                : new Change(change.Sequence, paper.ItemIdAt(change.Item), change.Flagged is null ? paper.Translate(change.Item, change.Response ?? new PaperResponse()) : null, change.Flagged))
                .ToList();
            var decided = AttemptDecisions.Save(attempt, request.Page, changes, now);
            return (decided.Events, new SaveResult(decided.Acknowledged, decided.Refused.Select(r => new RefusedChange(r.Sequence, r.Reason)).ToList(), ClockOf(attempt, now)));
        }, cancellationToken);
        return saved ?? throw new RefusedException(RefusalKind.NotFound, "There is no such attempt of yours.");
    }
}
