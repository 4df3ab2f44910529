using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Submitting;

/// <summary>The candidate hands their attempt in; objective items are marked. Submitting twice, or after the engine did, changes nothing.</summary>
public sealed class SubmitAttempt(IDocumentStore store, TimeProvider time)
{
    public async Task<Attempt> HandleAsync(Attempt attempt, string actor, CancellationToken cancellationToken = default)
    {
        if (attempt.Form is null)
        {
            throw new RefusedException(RefusalKind.Conflict, "The test has not started yet.");
        }

        await using var session = store.QuerySession();
        var items = await PinnedItems.LoadAsync(session, attempt.Form, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.HandIn(current, actor, now, items), cancellationToken);
        var handedIn = (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
        // Submitting what was never started, or was voided, changes nothing: the candidate is told why, not shown a receipt.
        return handedIn.Status == AttemptStatus.Submitted ? handedIn : throw new RefusedException(RefusalKind.Conflict, AttemptLifecycle.WhyNot(handedIn));
    }
}
