using AssessmentEngine.Web.Features.Sittings;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.Watching;

/// <summary>An invigilator opens a sitting's dashboard: the whole room as it stands, then every change by push.</summary>
public sealed class WatchSitting(IDocumentStore store, InvigilatedSittings sittings, InvigilationPlaybook playbook, TimeProvider time)
{
    public async Task<Dashboard> HandleAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        await using var session = store.QuerySession();
        return await SittingDashboard.LoadAsync(session, sitting, playbook, time.GetUtcNow(), cancellationToken);
    }
}
