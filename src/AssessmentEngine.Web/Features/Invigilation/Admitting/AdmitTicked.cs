using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Invigilation.Admitting;

/// <summary>
/// An invigilator admits, in one action, every candidate whose identity they have ticked as checked. The list is held
/// to the room's rules (booked on the sitting, each once, at most <see cref="AdmitCandidate.MaxTicked"/>); each
/// candidate who cannot be admitted is named with the reason, and the others are admitted.
/// </summary>
public sealed class AdmitTicked(InvigilatedSittings sittings, AdmitCandidate admission)
{
    public async Task<AdmissionSummary> HandleAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        if (candidateIds is not { Count: > 0 })
        {
            throw new RefusedException(RefusalKind.Invalid, "No candidates were ticked: tick each candidate whose identity you have checked, then admit them.");
        }

        return await admission.AdmitTickedAsync(sitting, RoomActions.Named(sitting, candidateIds), invigilator.Actor, cancellationToken);
    }
}
