using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.Starting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation.Admitting;
using AssessmentEngine.Web.Features.Invigilation.Ending;
using AssessmentEngine.Web.Features.Invigilation.ExtendingTime;
using AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;
using AssessmentEngine.Web.Features.Invigilation.LoggingIncidents;
using AssessmentEngine.Web.Features.Invigilation.Messaging;
using AssessmentEngine.Web.Features.Invigilation.Pausing;
using AssessmentEngine.Web.Features.Invigilation.RotatingCodes;
using AssessmentEngine.Web.Features.Invigilation.StartingTheRoom;
using AssessmentEngine.Web.Features.Invigilation.Voiding;
using AssessmentEngine.Web.Features.Invigilation.Watching;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// The invigilator's live connection: watch a sitting (the full state, then every change) and act on it. One method per
/// use case, each the entry point of its own handler (a folder per use case beside this hub); every handler checks that
/// the caller invigilates that sitting (<see cref="InvigilatedSittings"/>).
/// </summary>
[Authorize(Policy = Policies.Invigilator)]
public sealed class InvigilationHub(
    WatchSitting watching, AdmitAtTheDesk admitting, AdmitTicked admittingTicked, StartTheRoom startingTheRoom, RefuseAtTheDesk refusing, PauseCandidates pausing, ResumeCandidates resuming,
    ExtendTime extending, SendMessage messaging, LogIncident incidents, VoidAttempt voiding, EndSitting ending, RotateAccessCode rotating,
    IssueSignInCode issuing) : Hub<IInvigilatorClient>
{
    private Invigilator Me => new(Context.User!.Id(), Context.User!.Actor());

    public async Task<Dashboard> Watch(Guid sittingId)
    {
        var dashboard = await watching.HandleAsync(sittingId, Me, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.SittingGroup(sittingId));
        return dashboard;
    }

    public Task Admit(Guid sittingId, Guid candidateId, bool identityChecked) =>
        admitting.HandleAsync(sittingId, candidateId, identityChecked, Me, Context.ConnectionAborted);

    /// <summary>Admits every candidate ticked as identity-checked, in one call; says how many were admitted and who was refused and why.</summary>
    public Task<AdmissionSummary> AdmitTicked(Guid sittingId, Guid[]? candidateIds) =>
        admittingTicked.HandleAsync(sittingId, candidateIds, Me, Context.ConnectionAborted);

    /// <summary>Starts the test of every admitted candidate; says how many started and whose could not, and why.</summary>
    public Task<RoomStart> StartRoom(Guid sittingId) => startingTheRoom.HandleAsync(sittingId, Me, Context.ConnectionAborted);

    public Task Refuse(Guid sittingId, Guid candidateId, string? reason) =>
        refusing.HandleAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted);

    public Task<int> Pause(Guid sittingId, Guid[]? candidateIds, string? reason) =>
        pausing.HandleAsync(sittingId, candidateIds, reason, Me, Context.ConnectionAborted);

    public Task<int> Resume(Guid sittingId, Guid[]? candidateIds) =>
        resuming.HandleAsync(sittingId, candidateIds, Me, Context.ConnectionAborted);

    public Task<int> ExtendTime(Guid sittingId, Guid[]? candidateIds, int minutes, string? reason) =>
        extending.HandleAsync(sittingId, candidateIds, minutes, reason, Me, Context.ConnectionAborted);

    public Task Message(Guid sittingId, Guid[]? candidateIds, string? text) =>
        messaging.HandleAsync(sittingId, candidateIds, text, Me, Context.ConnectionAborted);

    public Task LogIncident(Guid sittingId, string? code, string? note, Guid[]? candidateIds) =>
        incidents.HandleAsync(sittingId, code, note, candidateIds, Me, Context.ConnectionAborted);

    public Task Void(Guid sittingId, Guid candidateId, string? reason) =>
        voiding.HandleAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted);

    public Task<int> EndSitting(Guid sittingId) => ending.HandleAsync(sittingId, Me, Context.ConnectionAborted);

    public Task RotateCode(Guid sittingId) => rotating.HandleAsync(sittingId, Me, Context.ConnectionAborted);

    /// <summary>A new one-time sign-in code for a candidate booked on the sitting, returned to this caller alone.</summary>
    public Task<string> IssueSignInCode(Guid sittingId, Guid candidateId) =>
        issuing.IssueAsync(sittingId, candidateId, Me, Context.GetHttpContext()?.SourceAddress() ?? "unknown", Context.ConnectionAborted);
}
