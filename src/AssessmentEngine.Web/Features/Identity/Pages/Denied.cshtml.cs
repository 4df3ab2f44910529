using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[AllowAnonymous]
public sealed class DeniedModel : PageModel
{
    // The refusal itself was the 403 or the redirect here; this page only explains it.
    public void OnGet()
    {
    }
}
