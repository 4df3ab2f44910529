using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.Ending;

/// <summary>Ends the sitting and submits every attempt still under way (reason sitting-ended). Ending again finishes what a failure left open.</summary>
public sealed class EndSitting(IDocumentStore store, InvigilatedSittings sittings, TimeProvider time)
{
    public async Task<int> HandleAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
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
}
