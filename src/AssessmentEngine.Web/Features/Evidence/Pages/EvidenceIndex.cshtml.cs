using AssessmentEngine.Web.Features.Evidence.Portfolio;
using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>The candidate's index of evidence, to print: every piece across their units, numbered, with the units it counts for.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class EvidenceIndexModel(PortfolioForms forms) : PageModel
{
    public EvidenceIndex Index { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid candidateId)
    {
        if (await forms.IndexAsync(User, candidateId, HttpContext.RequestAborted) is not { } found)
        {
            return NotFound();
        }

        Index = found;
        return Page();
    }
}
