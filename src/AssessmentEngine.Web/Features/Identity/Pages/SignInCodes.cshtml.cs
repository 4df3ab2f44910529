using AssessmentEngine.Web.Features.Identity.Registering;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

/// <summary>Issues new one-time sign-in codes and shows them once, to print (they are stored hashed).</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class SignInCodesModel(CentreRegistry registry) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<(Candidate Candidate, string Code)> Issued { get; private set; } = [];

    public IActionResult OnGet(Guid centreId) => Redirect($"/centres/{centreId}/candidates");

    public async Task<IActionResult> OnPostAsync(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Issued = await registry.IssueCandidateCodesAsync(centreId, null, new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
