using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation.Admitting;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Invigilation;

public sealed record RoomRow(Candidate Candidate, Attempt? Attempt)
{
    /// <summary>The dashboard's state (<see cref="SittingDashboard.StateOf"/>), in words.</summary>
    public string State => SittingDashboard.StateOf(Attempt) switch
    {
        "not-arrived" => "Not arrived",
        "waiting" => "Waiting for admission",
        "admitted" => "Admitted, reading instructions",
        "paused" => "Paused",
        "in-progress" => "In progress",
        "submitted" => "Submitted",
        "voided" => "Voided",
        _ => "Refused admission",
    };
}

/// <summary>
/// An invigilator's sitting: the access code to show, who has arrived, and admission after an identity check. Its forms
/// are a second way to the hub's Admit and Refuse use cases (for a desk without the live dashboard), held to the same checks.
/// </summary>
[Authorize(Policy = Policies.Invigilator)]
public sealed class SittingRoomModel(IQuerySession session, InvigilationPlaybook playbook) : PageModel, IShowsRefusals
{
    public Sitting Sitting { get; private set; } = null!;

    public string StartsAt { get; private set; } = "";

    public IReadOnlyList<RoomRow> Rows { get; private set; } = [];

    public string ReadAloudHtml => playbook.ReadAloudHtml;

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid sittingId) => await LoadAsync(sittingId) ? Page() : NotFound();

    private Invigilator Me => new(User.Id(), User.Actor());

    public Task<IActionResult> OnPostAdmitAsync(Guid sittingId, Guid candidateId, bool identityChecked, [FromServices] AdmitAtTheDesk admitting) =>
        ActAsync(sittingId, async () =>
        {
            await admitting.HandleAsync(sittingId, candidateId, identityChecked, Me, HttpContext.RequestAborted);
            return "Admitted.";
        });

    public Task<IActionResult> OnPostRefuseAsync(Guid sittingId, Guid candidateId, string? reason, [FromServices] RefuseAtTheDesk refusing) =>
        ActAsync(sittingId, async () =>
        {
            await refusing.HandleAsync(sittingId, candidateId, reason, Me, HttpContext.RequestAborted);
            return "Admission refused.";
        });

    private async Task<IActionResult> ActAsync(Guid sittingId, Func<Task<string>> act)
    {
        if (!await LoadAsync(sittingId))
        {
            return NotFound();
        }

        Message = await act();
        await LoadAsync(sittingId);
        return Page();
    }

    public Task ReloadAsync() => LoadAsync(Sitting.Id);

    private async Task<bool> LoadAsync(Guid sittingId)
    {
        var sitting = await session.LoadAsync<Sitting>(sittingId, HttpContext.RequestAborted);
        if (sitting is null || !sitting.InvigilatorIds.Contains(User.Id()))
        {
            return false;
        }

        Sitting = sitting;
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, HttpContext.RequestAborted);
        StartsAt = CentreTime.Show(sitting.StartsAt, centre?.Zone ?? TimeZoneInfo.Utc);
        var candidates = await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, sitting.Bookings.Select(b => b.CandidateId).ToArray());
        var attempts = (await session.LoadManyAsync<Attempt>(HttpContext.RequestAborted, candidates.Select(c => CheckIn.IdFor(sittingId, c.Id)).ToArray()))
            .ToDictionary(a => a.CandidateId);
        Rows = candidates.OrderBy(c => c.CandidateNumber, StringComparer.Ordinal).Select(c => new RoomRow(c, attempts.GetValueOrDefault(c.Id))).ToList();
        return true;
    }
}
