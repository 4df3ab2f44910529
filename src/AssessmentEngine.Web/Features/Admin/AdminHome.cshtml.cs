using AssessmentEngine.Web.Features.Centres;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Admin;

[Authorize(Policy = Policies.Admin)]
public sealed class AdminHomeModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    public async Task OnGetAsync() => Centres = await session.WhereAsync(User, Role.Admin, HttpContext.RequestAborted);

    /// <summary>The centre's marking setting: names hidden from assessors (marking by candidate number only), or not.</summary>
    public async Task<IActionResult> OnPostMarkingAsync(Guid centreId, bool anonymous, [FromServices] IDocumentStore store)
    {
        if (!User.Holds(Role.Admin, centreId))
        {
            return Forbid();
        }

        await using var write = store.LightweightSession();
        if (await write.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) is not { } centre)
        {
            return NotFound();
        }

        write.Store(centre with { AnonymousMarking = anonymous });
        await write.SaveChangesAsync(HttpContext.RequestAborted);
        return RedirectToPage();
    }
}
