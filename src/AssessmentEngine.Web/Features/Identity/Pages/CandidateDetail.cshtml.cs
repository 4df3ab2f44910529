using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class CandidateDetailModel(CentreRegistry registry, IQuerySession session) : PageModel, IShowsRefusals
{
    public Candidate Candidate { get; private set; } = null!;

    public string? Problem { get; set; }

    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid centreId, Guid candidateId) =>
        await Load(centreId, candidateId) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid centreId, Guid candidateId, int extraTime, bool restBreaks, bool largeText, bool highContrast, string? notes)
    {
        if (!await Load(centreId, candidateId))
        {
            return NotFound();
        }

        Candidate = await registry.ApproveAdjustmentsAsync(centreId, candidateId,
            new Adjustments(extraTime, restBreaks, largeText, highContrast, string.IsNullOrWhiteSpace(notes) ? null : notes.Trim()),
            new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
        Saved = true;
        return Page();
    }

    private async Task<bool> Load(Guid centreId, Guid candidateId)
    {
        var candidate = await session.LoadAsync<Candidate>(candidateId, HttpContext.RequestAborted);
        if (candidate is null || candidate.CentreId != centreId)
        {
            return false;
        }

        Candidate = candidate;
        return true;
    }
}
