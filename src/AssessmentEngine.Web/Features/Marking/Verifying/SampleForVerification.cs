using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Marking.Verifying;

/// <summary>A verifier adds a decided attempt to their sample.</summary>
public sealed class SampleForVerification(IDocumentStore store, MarkedAttempts attempts, TimeProvider time)
{
    public async Task HandleAsync(Guid attemptId, Staff verifier, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await attempts.LoadAsync(attemptId, Role.Verifier, user, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Sample(current, "chosen by the verifier", verifier.Actor, now), cancellationToken);
    }
}
