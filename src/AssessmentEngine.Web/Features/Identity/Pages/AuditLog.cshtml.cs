using AssessmentEngine.Web.Features.Identity.Registering;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class AuditLogModel(CentreRegistry registry, IQuerySession session) : PageModel
{
    public const int PageSize = 500;

    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Entries = await session.Query<AuditEntry>()
            .Where(e => e.CentreIds.Contains(centreId))
            .OrderByDescending(e => e.At)
            .Take(PageSize)
            .ToListAsync(HttpContext.RequestAborted);
    }
}
