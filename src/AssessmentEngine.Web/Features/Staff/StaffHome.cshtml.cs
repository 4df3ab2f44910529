using AssessmentEngine.Web.Features.Centres;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Staff;

/// <summary>The invigilator's, assessor's and verifier's home: their centres and the work waiting for them.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class StaffHomeModel(IQuerySession session) : PageModel
{
    public Role Role { get; private set; }

    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    public string WorkHeading => Role switch
    {
        Role.Invigilator => "Sittings assigned to you",
        Role.Assessor => "Responses waiting to be marked",
        _ => "Decisions sampled for verification",
    };

    public string NothingYet => Role switch
    {
        Role.Invigilator => "No sittings are assigned to you.",
        Role.Assessor => "No responses are waiting for you.",
        _ => "No decisions are waiting for you.",
    };

    public async Task<IActionResult> OnGetAsync(string area)
    {
        Role = area switch { "invigilate" => Role.Invigilator, "assess" => Role.Assessor, _ => Role.Verifier };
        if (!User.HoldsAnywhere(Role))
        {
            return Forbid();
        }

        Centres = await session.WhereAsync(User, Role, HttpContext.RequestAborted);
        return Page();
    }
}
