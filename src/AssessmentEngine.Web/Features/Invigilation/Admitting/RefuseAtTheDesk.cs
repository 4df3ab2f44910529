using AssessmentEngine.Web.Features.Attempts.Admitting;

namespace AssessmentEngine.Web.Features.Invigilation.Admitting;

/// <summary>An invigilator refuses a checked-in candidate admission, with a reason the candidate is shown.</summary>
public sealed class RefuseAtTheDesk(InvigilatedSittings sittings, AdmitCandidate admission)
{
    public async Task HandleAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        RoomActions.Bounded(reason, "reason");
        await admission.RefuseAsync(sittingId, candidateId, reason, invigilator.Id, invigilator.Actor, cancellationToken);
    }
}
