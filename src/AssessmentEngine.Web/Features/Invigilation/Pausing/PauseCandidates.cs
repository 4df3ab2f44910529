

namespace AssessmentEngine.Web.Features.Invigilation.Pausing;

/// <summary>
/// Pauses the named candidates' tests (or every test under way in the room) and returns how many were paused. All or
/// nothing: if any named candidate's test is not under way, none is paused and the refusal says why.
/// </summary>
public sealed class PauseCandidates(RoomActions room)
{
    public async Task<int> HandleAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var paused = await room.OnAttemptsAsync(sittingId, candidateIds, invigilator, () => RoomActions.Bounded(reason, "reason"),
            (attempt, now) => InvigilationDecisions.Pause(attempt, reason, invigilator.Actor, now), cancellationToken);
        return paused.Count;
    }
}
