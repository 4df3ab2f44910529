using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Marking;

/// <summary>An attempt with what marking and verification need: its items as delivered, the unit's outcomes, the result.</summary>
public sealed record MarkedAttempt(Attempt Attempt, Candidate Candidate, IReadOnlyDictionary<string, Item> Items, BankUnit Unit, AttemptResult Result);

/// <summary>A response waiting for an assessor.</summary>
public sealed record WaitingResponse(Attempt Attempt, Candidate Candidate, int Number, Item Item);

/// <summary>
/// The write paths after the test: an assessor marks and decides (and the centre's sampling rule runs on the decision);
/// a verifier samples and verifies. Every call checks the role at the attempt's own centre.
/// </summary>
public sealed class Assessing(IDocumentStore store, TimeProvider time)
{
    public async Task<MarkedAttempt> LoadAsync(Guid attemptId, Role role, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var attempt = await session.LoadAsync<Attempt>(attemptId, cancellationToken);
        if (attempt is null || !user.Holds(role, attempt.CentreId) || attempt.Form is null)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such attempt at your centre.");
        }

        var candidate = (await session.LoadAsync<Candidate>(attempt.CandidateId, cancellationToken))!;
        var items = await PinnedItems.LoadAsync(session, attempt.Form, cancellationToken);
        var unit = (await session.LoadAsync<BankUnit>(attempt.UnitCode, cancellationToken))!;
        return new MarkedAttempt(attempt, candidate, items, unit, AttemptResult.Of(attempt, items, unit.Outcomes));
    }

    /// <summary>Extended responses of the centre's submitted attempts that have no mark yet, oldest first.</summary>
    public async Task<IReadOnlyList<WaitingResponse>> QueueAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var attempts = await session.Query<Attempt>().Where(a => a.CentreId == centreId && a.Status == AttemptStatus.Submitted && a.Decision == null)
            .OrderBy(a => a.SubmittedAt).ToListAsync(cancellationToken);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, attempts.Select(a => a.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var waiting = new List<WaitingResponse>();
        foreach (var attempt in attempts)
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            waiting.AddRange(attempt.Form!.Items.Select((f, i) => (f, i))
                .Where(x => items[x.f.ItemId].Type == ItemType.Extended && !attempt.AssessorMarks.ContainsKey(x.f.ItemId))
                .Select(x => new WaitingResponse(attempt, candidates[attempt.CandidateId], x.i + 1, items[x.f.ItemId])));
        }

        return waiting;
    }

    public async Task MarkAsync(Guid attemptId, string itemId, decimal marks, string? comment, Staff marker, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var marked = await LoadAsync(attemptId, Role.Assessor, user, cancellationToken);
        var item = marked.Items.GetValueOrDefault(itemId) ?? throw new RefusedException(RefusalKind.Invalid, "That question is not on this attempt.");
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Mark(current, item, marks, comment, marker, now), cancellationToken);
    }

    /// <summary>Records the decision, then applies the centre's sampling rule to it.</summary>
    public async Task DecideAsync(Guid attemptId, string? decision, string? justification, Staff assessor, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var marked = await LoadAsync(attemptId, Role.Assessor, user, cancellationToken);
        var now = time.GetUtcNow();
        var written = await store.DecideAsync<Attempt>(attemptId,
            current => MarkingDecisions.Decide(current, AttemptResult.Of(current, marked.Items, marked.Unit.Outcomes), decision, justification, assessor, now), cancellationToken);
        if (written.Count == 0 || written[0] is not AssessmentDecisionRecorded recorded)
        {
            return;
        }

        await using var session = store.QuerySession();
        var others = await session.Query<Attempt>()
            .Where(a => a.CentreId == marked.Attempt.CentreId && a.UnitCode == marked.Attempt.UnitCode && a.Decision != null && a.Id != attemptId)
            .ToListAsync(cancellationToken);
        // This assessor's "other" decisions: those the rule did not have to sample (not yet competent, near the pass mark).
        var mine = others.Where(a => a.Decision!.AssessorId == assessor.Id && a.Decision.Decision == Decisions.Competent
            && a.Sampled?.Reason.StartsWith("within", StringComparison.Ordinal) != true).ToList();
        var reason = SamplingRule.Reason(recorded, marked.Result, marked.Attempt.PassPercent,
            (mine.Count, mine.Count(a => a.Sampled?.Reason.StartsWith("one in", StringComparison.Ordinal) == true)));
        if (reason is not null)
        {
            await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Sample(current, reason, "sampling rule", now), cancellationToken);
        }
    }

    public async Task SampleAsync(Guid attemptId, Staff verifier, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await LoadAsync(attemptId, Role.Verifier, user, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Sample(current, "chosen by the verifier", verifier.Actor, now), cancellationToken);
    }

    public async Task VerifyAsync(Guid attemptId, bool agrees, string? comment, Staff verifier, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await LoadAsync(attemptId, Role.Verifier, user, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Verify(current, agrees, comment, verifier, now), cancellationToken);
    }
}
