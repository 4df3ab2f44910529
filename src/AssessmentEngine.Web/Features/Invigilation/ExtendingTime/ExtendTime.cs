

namespace AssessmentEngine.Web.Features.Invigilation.ExtendingTime;

/// <summary>Gives the named candidates (or the room) more time and returns how many were given it; all or nothing.</summary>
public sealed class ExtendTime(RoomActions room)
{
    public async Task<int> HandleAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, int minutes, string? reason, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var extended = await room.OnAttemptsAsync(sittingId, candidateIds, invigilator, () =>
            {
                InvigilationDecisions.RequireExtension(minutes, reason);
                RoomActions.Bounded(reason, "reason");
            },
            (attempt, now) => InvigilationDecisions.ExtendTime(attempt, minutes, reason, invigilator.Actor, now), cancellationToken);
        await room.ScheduleDeadlinesAsync(extended, cancellationToken);
        return extended.Count;
    }
}
