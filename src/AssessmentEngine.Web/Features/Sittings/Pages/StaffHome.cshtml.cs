using AssessmentEngine.Web.Features.Centres;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Sittings.Pages;

/// <summary>The invigilator's, assessor's and verifier's home: their centres and the work waiting for them.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class StaffHomeModel(IQuerySession session, TimeProvider time) : PageModel
{
    public Role Role { get; private set; }

    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    /// <summary>For invigilators: the sittings they are assigned to, from an hour ago on.</summary>
    public IReadOnlyList<(Sittings.Sitting Sitting, Centre Centre)> Sittings { get; private set; } = [];

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
        if (Role == Role.Invigilator)
        {
            var me = User.Id();
            var since = time.GetUtcNow().AddHours(-1);
            var centreIds = Centres.Select(c => c.Id).ToArray();
            var upcoming = await session.Query<Sittings.Sitting>().Where(s => s.CentreId.IsOneOf(centreIds) && s.StartsAt >= since)
                .OrderBy(s => s.StartsAt).ToListAsync(HttpContext.RequestAborted);
            Sittings = upcoming.Where(s => s.InvigilatorIds.Contains(me)).Select(s => (s, Centres.First(c => c.Id == s.CentreId))).ToList();
        }

        return Page();
    }
}
