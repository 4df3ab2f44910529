using AssessmentEngine.Web.Features.Centres;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Admin;

[Authorize(Policy = Policies.Admin)]
public sealed class AdminHomeModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    public async Task OnGetAsync() => Centres = await session.WhereAsync(User, Role.Admin, HttpContext.RequestAborted);
}
