

namespace AssessmentEngine.Web.Features.Invigilation.Pausing;

/// <summary>Resumes the named candidates (or the room) and returns how many were resumed; all or nothing, as <see cref="PauseCandidates"/>.</summary>
public sealed class ResumeCandidates(RoomActions room)
{
    public async Task<int> HandleAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var resumed = await room.OnAttemptsAsync(sittingId, candidateIds, invigilator, () => { },
            (attempt, now) => InvigilationDecisions.Resume(attempt, invigilator.Actor, now), cancellationToken);
        await room.ScheduleDeadlinesAsync(resumed, cancellationToken);
        return resumed.Count;
    }
}
