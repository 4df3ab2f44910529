using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Marking.MarkingResponses;

/// <summary>An assessor marks a response the engine cannot mark (an extended answer); a second marker's mark is kept beside the first.</summary>
public sealed class MarkResponse(IDocumentStore store, MarkedAttempts attempts, TimeProvider time)
{
    public async Task HandleAsync(Guid attemptId, string itemId, decimal marks, string? comment, Staff marker, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var marked = await attempts.LoadAsync(attemptId, Role.Assessor, user, cancellationToken);
        var item = marked.Items.GetValueOrDefault(itemId) ?? throw new RefusedException(RefusalKind.Invalid, "That question is not on this attempt.");
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Mark(current, item, marks, comment, marker, now), cancellationToken);
    }
}
