using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// The invigilator's live connection: watch a sitting (the full state, then every change) and act on it. Every method
/// checks that the caller invigilates that sitting; the work is the feature's (<see cref="Invigilating"/>).
/// </summary>
[Authorize(Policy = Policies.Invigilator)]
public sealed class InvigilationHub(Invigilating invigilating, IssueSignInCode issuing) : Hub<IInvigilatorClient>
{
    private Invigilator Me => new(Context.User!.Id(), Context.User!.Actor());

    public async Task<Dashboard> Watch(Guid sittingId)
    {
        var dashboard = await invigilating.DashboardAsync(sittingId, Me, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.SittingGroup(sittingId));
        return dashboard;
    }

    public Task Admit(Guid sittingId, Guid candidateId, bool identityChecked) =>
        invigilating.AdmitAsync(sittingId, candidateId, identityChecked, Me, Context.ConnectionAborted);

    public Task Refuse(Guid sittingId, Guid candidateId, string? reason) =>
        invigilating.RefuseAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted);

    public Task<int> Pause(Guid sittingId, Guid[]? candidateIds, string? reason) =>
        invigilating.PauseAsync(sittingId, candidateIds, reason, Me, Context.ConnectionAborted);

    public Task<int> Resume(Guid sittingId, Guid[]? candidateIds) =>
        invigilating.ResumeAsync(sittingId, candidateIds, Me, Context.ConnectionAborted);

    public Task<int> ExtendTime(Guid sittingId, Guid[]? candidateIds, int minutes, string? reason) =>
        invigilating.ExtendTimeAsync(sittingId, candidateIds, minutes, reason, Me, Context.ConnectionAborted);

    public Task Message(Guid sittingId, Guid[]? candidateIds, string? text) =>
        invigilating.MessageAsync(sittingId, candidateIds, text, Me, Context.ConnectionAborted);

    public Task LogIncident(Guid sittingId, string? code, string? note, Guid[]? candidateIds) =>
        invigilating.LogIncidentAsync(sittingId, code, note, candidateIds, Me, Context.ConnectionAborted);

    public Task Void(Guid sittingId, Guid candidateId, string? reason) =>
        invigilating.VoidAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted);

    public Task<int> EndSitting(Guid sittingId) => invigilating.EndAsync(sittingId, Me, Context.ConnectionAborted);

    public Task RotateCode(Guid sittingId) => invigilating.RotateCodeAsync(sittingId, Me, Context.ConnectionAborted);

    /// <summary>A new one-time sign-in code for a candidate booked on the sitting, returned to this caller alone.</summary>
    public Task<string> IssueSignInCode(Guid sittingId, Guid candidateId) =>
        issuing.IssueAsync(sittingId, candidateId, Me, Context.GetHttpContext()?.SourceAddress() ?? "unknown", Context.ConnectionAborted);
}
