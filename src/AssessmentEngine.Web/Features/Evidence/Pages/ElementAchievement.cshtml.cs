using AssessmentEngine.Web.Features.Evidence.Portfolio;
using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>A unit's element achievement record, to print: the pieces of evidence that count for it, ticked against its statements.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class ElementAchievementModel(PortfolioForms forms) : PageModel
{
    public ElementAchievement Record { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid enrolmentId)
    {
        if (await forms.AchievementAsync(User, enrolmentId, HttpContext.RequestAborted) is not { } found)
        {
            return NotFound();
        }

        Record = found;
        return Page();
    }
}
