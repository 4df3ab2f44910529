using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ExternalVerification.Pages;

/// <summary>The exam officer's view of the external verifiers' reports on their centre: only issued ones, never a draft.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CentreReportsModel(IQuerySession session) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<ExternalReport> Reports { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        if (await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) is not { } centre)
        {
            return NotFound();
        }

        Centre = centre;
        Reports = await session.Query<ExternalReport>().Where(r => r.CentreId == centreId && r.IssuedAt != null)
            .OrderByDescending(r => r.IssuedAt).ToListAsync(HttpContext.RequestAborted);
        return Page();
    }
}
