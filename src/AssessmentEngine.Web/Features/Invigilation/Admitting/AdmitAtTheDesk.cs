using AssessmentEngine.Web.Features.Attempts.Admitting;

namespace AssessmentEngine.Web.Features.Invigilation.Admitting;

/// <summary>An invigilator admits a checked-in candidate after checking their identity (the form is assembled then).</summary>
public sealed class AdmitAtTheDesk(InvigilatedSittings sittings, AdmitCandidate admission)
{
    public async Task HandleAsync(Guid sittingId, Guid candidateId, bool identityChecked, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        await admission.AdmitAsync(sittingId, candidateId, identityChecked, invigilator.Id, invigilator.Actor, cancellationToken);
    }
}
