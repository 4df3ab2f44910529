using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ItemBank.Pages;

/// <summary>An item rendered exactly as a candidate receives it (sanitised at import), then its key for the tutor.</summary>
[Authorize(Policy = Policies.BankReader)]
public sealed class TutorItemModel(IQuerySession session) : PageModel
{
    public BankItem Item { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? id)
    {
        var item = string.IsNullOrWhiteSpace(id) ? null : await session.Query<BankItem>().FirstOrDefaultAsync(i => i.ItemId == id, HttpContext.RequestAborted);
        if (item is null)
        {
            return NotFound();
        }

        // An item whose unit was never imported whole has no owner yet: only the platform's own tools show it.
        var unit = await session.LoadAsync<BankUnit>(item.UnitCode, HttpContext.RequestAborted);
        if (unit is null || !(await BankAccess.ForAsync(session, User, HttpContext.RequestAborted)).MayRead(unit))
        {
            return Forbid();
        }

        Item = item;
        return Page();
    }
}
