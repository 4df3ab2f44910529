using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.RotatingCodes;

/// <summary>An invigilator replaces the sitting's access code (the old one stops admitting new check-ins).</summary>
public sealed class RotateAccessCode(IDocumentStore store, InvigilatedSittings sittings, TimeProvider time)
{
    public async Task HandleAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        var (code, now) = (AccessCodes.New(), time.GetUtcNow());
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.NewAccessCode(current, code, invigilator.Actor, now), cancellationToken);
    }
}
