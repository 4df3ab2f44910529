using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.LoggingIncidents;

/// <summary>An invigilator records an incident of one of the playbook's codes, with a note where the code needs one.</summary>
public sealed class LogIncident(IDocumentStore store, InvigilatedSittings sittings, InvigilationPlaybook playbook, TimeProvider time)
{
    public async Task HandleAsync(Guid sittingId, string? code, string? note, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        var incident = playbook.IncidentCodes.FirstOrDefault(c => string.Equals(c.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new RefusedException(RefusalKind.Invalid, $"Choose one of the incident codes: {string.Join(", ", playbook.IncidentCodes.Select(c => c.Code))}.");
        if (incident.NoteRequired && string.IsNullOrWhiteSpace(note))
        {
            throw new RefusedException(RefusalKind.Invalid, $"An incident of type {incident.Code} ({incident.Title}) needs a note saying what happened.");
        }

        RoomActions.Bounded(note, "note");
        RoomActions.Named(sitting, candidateIds);
        var now = time.GetUtcNow();
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.Incident(current, incident, note, candidateIds ?? [], invigilator.Actor, now), cancellationToken);
    }
}
