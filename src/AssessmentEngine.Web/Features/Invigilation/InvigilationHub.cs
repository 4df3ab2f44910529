using AssessmentEngine.Web.Features.Attempts;
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
        var dashboard = await Hubs.Guard(() => invigilating.DashboardAsync(sittingId, Me, Context.ConnectionAborted));
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveUpdates.SittingGroup(sittingId));
        return dashboard;
    }

    public Task Admit(Guid sittingId, Guid candidateId, bool identityChecked) =>
        Hubs.Guard(() => invigilating.AdmitAsync(sittingId, candidateId, identityChecked, Me, Context.ConnectionAborted));

    public Task Refuse(Guid sittingId, Guid candidateId, string? reason) =>
        Hubs.Guard(() => invigilating.RefuseAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted));

    public Task<int> Pause(Guid sittingId, Guid[]? candidateIds, string? reason) =>
        Hubs.Guard(() => invigilating.PauseAsync(sittingId, candidateIds, reason, Me, Context.ConnectionAborted));

    public Task<int> Resume(Guid sittingId, Guid[]? candidateIds) =>
        Hubs.Guard(() => invigilating.ResumeAsync(sittingId, candidateIds, Me, Context.ConnectionAborted));

    public Task<int> ExtendTime(Guid sittingId, Guid[]? candidateIds, int minutes, string? reason) =>
        Hubs.Guard(() => invigilating.ExtendTimeAsync(sittingId, candidateIds, minutes, reason, Me, Context.ConnectionAborted));

    public Task Message(Guid sittingId, Guid[]? candidateIds, string? text) =>
        Hubs.Guard(() => invigilating.MessageAsync(sittingId, candidateIds, text, Me, Context.ConnectionAborted));

    public Task LogIncident(Guid sittingId, string? code, string? note, Guid[]? candidateIds) =>
        Hubs.Guard(() => invigilating.LogIncidentAsync(sittingId, code, note, candidateIds, Me, Context.ConnectionAborted));

    public Task Void(Guid sittingId, Guid candidateId, string? reason) =>
        Hubs.Guard(() => invigilating.VoidAsync(sittingId, candidateId, reason, Me, Context.ConnectionAborted));

    public Task<int> EndSitting(Guid sittingId) => Hubs.Guard(() => invigilating.EndAsync(sittingId, Me, Context.ConnectionAborted));

    public Task RotateCode(Guid sittingId) => Hubs.Guard(() => invigilating.RotateCodeAsync(sittingId, Me, Context.ConnectionAborted));

    /// <summary>A new one-time sign-in code for a candidate booked on the sitting, returned to this caller alone.</summary>
    public Task<string> IssueSignInCode(Guid sittingId, Guid candidateId) =>
        Hubs.Guard(() => issuing.IssueAsync(sittingId, candidateId, Me, Context.GetHttpContext()?.SourceAddress() ?? "unknown", Context.ConnectionAborted));
}

/// <summary>Shared hub plumbing: refusals reach the caller as their message; nothing else leaks.</summary>
public static class Hubs
{
    public static async Task Guard(Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (AttemptRefusedException refused)
        {
            throw new HubException(refused.Message);
        }
    }

    public static async Task<T> Guard<T>(Func<Task<T>> act)
    {
        try
        {
            return await act();
        }
        catch (AttemptRefusedException refused)
        {
            throw new HubException(refused.Message);
        }
    }
}
