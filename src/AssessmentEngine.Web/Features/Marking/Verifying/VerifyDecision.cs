using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Marking.Verifying;

/// <summary>A verifier agrees or disagrees with a sampled decision, with a comment.</summary>
public sealed class VerifyDecision(IDocumentStore store, MarkedAttempts attempts, TimeProvider time)
{
    public async Task HandleAsync(Guid attemptId, bool agrees, string? comment, Staff verifier, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await attempts.LoadAsync(attemptId, Role.Verifier, user, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Verify(current, agrees, comment, verifier, now), cancellationToken);
    }
}
