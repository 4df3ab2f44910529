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

    /// <summary>The awarding bodies whose banks this person writes (named by the operator).</summary>
    public IReadOnlyList<string> Authoring => User.AuthorFor().Select(owner => BankOwners.Describe(owner)).ToList();

    public async Task<IActionResult> OnGetAsync()
    {
        var memberships = User.Memberships().ToList();
        var roles = memberships.Select(m => m.Role).Distinct().ToList();
        InvitationsWaiting = (await registry.InvitationsForAsync(User.Id(), HttpContext.RequestAborted)).Count;
        // One place to go (a role's home, the item banks an author writes, the operator's page) and nothing waiting: go there.
        var destinations = roles.Select(r => r.HomePath()).Concat(Authoring.Count > 0 ? ["/tutor"] : []).Concat(Operator ? ["/operator"] : []).Distinct().ToList();
        if (destinations.Count == 1 && InvitationsWaiting == 0)
        {
            return LocalRedirect(destinations[0]);
        }

        var centreIds = memberships.Select(m => m.CentreId).Distinct().ToArray();
        var centres = (await session.LoadManyAsync<Centre>(HttpContext.RequestAborted, centreIds)).ToDictionary(c => c.Id, c => c.Name);
        Areas = memberships.OrderBy(m => m.Role).Select(m => (m.Role, centres.GetValueOrDefault(m.CentreId, "an unknown centre"))).ToList();
        return Page();
    }
}
