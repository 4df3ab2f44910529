using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

/// <summary>A released result as the candidate reads it: the decision and why, the feedback per criterion, the test's marks, and what to do next.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateResultModel(CandidateResults results) : PageModel
{
    /// <summary>Null until the centre releases a result.</summary>
    public UnitResult? Result { get; private set; }

    public string BodyClass { get; private set; } = "";

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Result!.Centre.Zone);

    public async Task<IActionResult> OnGetAsync(Guid enrolmentId)
    {
        try
        {
            Result = await results.ResultAsync(User, enrolmentId, HttpContext.RequestAborted);
            BodyClass = CandidateLook.BodyClass(Result?.Candidate ?? await results.CandidateAsync(User, HttpContext.RequestAborted));
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }
}
