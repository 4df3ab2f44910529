using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Invigilation;

public sealed record RoomRow(Candidate Candidate, Attempt? Attempt)
{
    public string State => Attempt?.Status switch
    {
        null => "Not arrived",
        AttemptStatus.Waiting => "Waiting for admission",
        AttemptStatus.Admitted => "Admitted, reading instructions",
        AttemptStatus.InProgress => "In progress",
        AttemptStatus.Submitted => "Submitted",
        _ => "Refused admission",
    };
}

/// <summary>An invigilator's sitting: the access code to show, who has arrived, and admission after an identity check.</summary>
[Authorize(Policy = Policies.Invigilator)]
public sealed class SittingRoomModel(IQuerySession session, AdmitCandidate admit, InvigilationPlaybook playbook) : PageModel, IShowsRefusals
{
    public Sitting Sitting { get; private set; } = null!;

    public string StartsAt { get; private set; } = "";

    public IReadOnlyList<RoomRow> Rows { get; private set; } = [];

    public string ReadAloudHtml => playbook.ReadAloudHtml;

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid sittingId) => await LoadAsync(sittingId) ? Page() : NotFound();

    public Task<IActionResult> OnPostAdmitAsync(Guid sittingId, Guid candidateId, bool identityChecked) =>
        ActAsync(sittingId, async () =>
        {
            await admit.AdmitAsync(sittingId, candidateId, identityChecked, User.Id(), User.Actor(), HttpContext.RequestAborted);
            return "Admitted.";
        });

    public Task<IActionResult> OnPostRefuseAsync(Guid sittingId, Guid candidateId, string? reason) =>
        ActAsync(sittingId, async () =>
        {
            await admit.RefuseAsync(sittingId, candidateId, reason, User.Id(), User.Actor(), HttpContext.RequestAborted);
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
