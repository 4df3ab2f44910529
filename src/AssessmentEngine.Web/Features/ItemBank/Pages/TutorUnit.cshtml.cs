using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ItemBank.Pages;

[Authorize(Policy = Policies.BankReader)]
public sealed class TutorUnitModel(IQuerySession session, IItemStatistics statistics) : PageModel
{
    public Unit Unit { get; private set; } = null!;

    public IReadOnlyDictionary<string, ItemStatistic> Statistics { get; private set; } =
        new Dictionary<string, ItemStatistic>();

    public async Task<IActionResult> OnGetAsync(string? code)
    {
        var stored = string.IsNullOrWhiteSpace(code) ? null : await session.LoadAsync<BankUnit>(code, HttpContext.RequestAborted);
        if (stored is null)
        {
            return NotFound();
        }

        if (!(await BankAccess.ForAsync(session, User, HttpContext.RequestAborted)).MayRead(stored))
        {
            return Forbid();
        }

        var unit = (await session.UnitAsync(stored.Id, HttpContext.RequestAborted))!;

        Unit = unit;
        Statistics = (await statistics.ForUnitAsync(session, unit.Code, HttpContext.RequestAborted))
            .ToDictionary(s => s.ItemId, StringComparer.Ordinal);
        return Page();
    }
}
