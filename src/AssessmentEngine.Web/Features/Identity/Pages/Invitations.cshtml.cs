using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

/// <summary>The invitations waiting for the signed-in person: only they can accept one, and each only once.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class InvitationsModel(CentreRegistry registry) : PageModel, IShowsRefusals
{
    public IReadOnlyList<(Invitation Invitation, Centre Centre)> Waiting { get; private set; } = [];

    public string? Problem { get; set; }

    public async Task OnGetAsync() => Waiting = await registry.InvitationsForAsync(User.Id(), HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAcceptAsync(Guid centreId)
    {
        await registry.AcceptInvitationAsync(User.Id(), centreId, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        return LocalRedirect("/");
    }

    public Task ReloadAsync() => OnGetAsync();
}
