using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

/// <summary>The candidate's units: where each stands and, once released, the result.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateUnitsModel(CandidateResults results) : PageModel
{
    public IReadOnlyList<UnitProgress> Units { get; private set; } = [];

    public string BodyClass { get; private set; } = "";

    public async Task OnGetAsync()
    {
        var candidate = await results.CandidateAsync(User, HttpContext.RequestAborted);
        BodyClass = CandidateLook.BodyClass(candidate);
        Units = await results.UnitsAsync(candidate, HttpContext.RequestAborted);
    }
}
