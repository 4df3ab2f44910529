using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Invigilation.Voiding;

/// <summary>An invigilator voids a candidate's attempt for malpractice, with the reason the candidate is told.</summary>
public sealed class VoidAttempt(RoomActions room)
{
    public async Task HandleAsync(Guid sittingId, Guid candidateId, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var voided = await room.OnAttemptsAsync(sittingId, [candidateId], invigilator, () =>
            {
                InvigilationDecisions.RequireVoidReason(reason);
                RoomActions.Bounded(reason, "reason");
            },
            (attempt, now) => InvigilationDecisions.Void(attempt, reason, invigilator.Actor, now), cancellationToken);
        if (voided.Count == 0)
        {
            throw new RefusedException(RefusalKind.Conflict, "This candidate has no attempt to void.");
        }
    }
}
