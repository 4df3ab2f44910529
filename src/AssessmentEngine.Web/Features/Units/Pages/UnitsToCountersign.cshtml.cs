using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

/// <summary>The internal verifier's unit decisions at a centre: the sample waiting for countersignature first, then every other decision (any may be countersigned).</summary>
[Authorize(Policy = Policies.Verifier)]
public sealed class UnitsToCountersignModel(IQuerySession session) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<ResultRow> Waiting { get; private set; } = [];

    public IReadOnlyList<ResultRow> Others { get; private set; } = [];

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Centre.Zone);

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (!User.Holds(Role.Verifier, centreId) || await session.LoadAsync<Centre>(centreId, cancellationToken) is not { } centre)
        {
            return NotFound();
        }

        Centre = centre;
        var rows = (await ResultRow.DecidedAtAsync(session, centreId, cancellationToken)).OrderBy(r => r.Outcome.Current!.DecidedAt).ToList();
        Waiting = rows.Where(r => r.Outcome.Status == UnitStatus.AwaitingCountersignature).ToList();
        Others = rows.Where(r => r.Outcome.Status != UnitStatus.AwaitingCountersignature).ToList();
        return Page();
    }
}
