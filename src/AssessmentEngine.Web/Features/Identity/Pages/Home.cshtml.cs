using AssessmentEngine.Web.Features.Identity.Registering;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

/// <summary>Sends each person to their role's home; someone with several roles chooses.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class HomeModel(IQuerySession session, CentreRegistry registry) : PageModel
{
    public IReadOnlyList<(Role Role, string Centre)> Areas { get; private set; } = [];

    public int InvitationsWaiting { get; private set; }

    public bool Operator => User.IsOperator();

    public async Task<IActionResult> OnGetAsync()
    {
        var memberships = User.Memberships().ToList();
        var roles = memberships.Select(m => m.Role).Distinct().ToList();
        InvitationsWaiting = (await registry.InvitationsForAsync(User.Id(), HttpContext.RequestAborted)).Count;
        if (Operator && roles.Count == 0 && InvitationsWaiting == 0)
        {
            return LocalRedirect("/operator");
        }

        if (roles.Count == 1 && InvitationsWaiting == 0 && !Operator)
        {
            return LocalRedirect(roles[0].HomePath());
        }

        var centreIds = memberships.Select(m => m.CentreId).Distinct().ToArray();
        var centres = (await session.LoadManyAsync<Centre>(HttpContext.RequestAborted, centreIds)).ToDictionary(c => c.Id, c => c.Name);
        Areas = memberships.OrderBy(m => m.Role).Select(m => (m.Role, centres.GetValueOrDefault(m.CentreId, "an unknown centre"))).ToList();
        return Page();
    }
}
