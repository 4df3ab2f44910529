using AssessmentEngine.Web.Features.Attempts.Starting;

namespace AssessmentEngine.Web.Features.Invigilation.StartingTheRoom;

/// <summary>At the start time an invigilator starts every admitted candidate's test at once; the log says who did and how many started.</summary>
public sealed class StartTheRoom(InvigilatedSittings sittings, StartAttempt starting, LiveUpdates live)
{
    public async Task<RoomStart> HandleAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        var result = await starting.StartRoomAsync(sitting, invigilator.Actor, cancellationToken);
        await live.LoggedAsync(sitting.Id, $"{invigilator.Actor} started the room: {result.Started} test(s) started"
            + (result.Refused.Count == 0 ? "" : $"; not started: {string.Join("; ", result.Refused.Select(r => $"{r.CandidateNumber} ({r.Reason})"))}"));
        return result;
    }
}
