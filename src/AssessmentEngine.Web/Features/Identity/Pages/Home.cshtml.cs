using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

/// <summary>Sends each person to their role's home; someone with several roles chooses.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class HomeModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<(Role Role, string Centre)> Areas { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var memberships = User.Memberships().ToList();
        var roles = memberships.Select(m => m.Role).Distinct().ToList();
        if (roles.Count == 1)
        {
            return LocalRedirect(roles[0].HomePath());
        }

        var centreIds = memberships.Select(m => m.CentreId).Distinct().ToArray();
        var centres = (await session.LoadManyAsync<Centre>(HttpContext.RequestAborted, centreIds)).ToDictionary(c => c.Id, c => c.Name);
        Areas = memberships.OrderBy(m => m.Role).Select(m => (m.Role, centres.GetValueOrDefault(m.CentreId, "an unknown centre"))).ToList();
        return Page();
    }
}
