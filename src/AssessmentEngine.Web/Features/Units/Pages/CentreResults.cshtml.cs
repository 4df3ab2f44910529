using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Units.Releasing;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

public sealed record ResultRow(UnitOutcome Outcome, Candidate? Candidate, string Title)
{
    /// <summary>Every decided unit at the centre, with its candidate and the unit's title.</summary>
    public static async Task<IReadOnlyList<ResultRow>> DecidedAtAsync(IQuerySession session, Guid centreId, CancellationToken cancellationToken)
    {
        var outcomes = (await session.Query<UnitOutcome>().Where(o => o.CentreId == centreId).ToListAsync(cancellationToken)).Where(o => o.Decisions.Count > 0).ToList();
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, outcomes.Select(o => o.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var units = (await session.LoadManyAsync<ItemBank.BankUnit>(cancellationToken, outcomes.Select(o => o.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        return outcomes.Select(o => new ResultRow(o, candidates.GetValueOrDefault(o.CandidateId), units.GetValueOrDefault(o.UnitCode)?.Title ?? "")).ToList();
    }
}

/// <summary>The exam officer's decided units at a centre: each decision, where its verification stands, and releasing the results to candidates now or on a date.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CentreResultsModel(IQuerySession session, ReleaseResults releasing) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<ResultRow> Rows { get; private set; } = [];

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Centre.Zone);

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        if (!await LoadAsync(centreId))
        {
            return NotFound();
        }

        Message = TempData["message"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid centreId, Guid[]? chosen)
    {
        if (!await LoadAsync(centreId))
        {
            return NotFound();
        }

        var (released, refused) = await releasing.ReleaseNowAsync(User, centreId, chosen ?? [], HttpContext.RequestAborted);
        TempData["message"] = $"{released} result(s) released; each candidate is told by email." + (refused.Count > 0 ? " Not released: " + string.Join(" ", refused) : "");
        return RedirectToPage(new { centreId });
    }

    public async Task<IActionResult> OnPostScheduleAsync(Guid centreId, Guid[]? chosen, DateOnly? on)
    {
        if (!await LoadAsync(centreId))
        {
            return NotFound();
        }

        var count = await releasing.ScheduleAsync(User, centreId, chosen ?? [], on, HttpContext.RequestAborted);
        TempData["message"] = $"{count} result(s) will be released on {on:d MMM yyyy} (a sampled decision once it is countersigned).";
        return RedirectToPage(new { centreId });
    }

    private Guid _centreId;

    public async Task ReloadAsync() => await LoadAsync(_centreId);

    private async Task<bool> LoadAsync(Guid centreId)
    {
        _centreId = centreId;
        var cancellationToken = HttpContext.RequestAborted;
        if (!User.Holds(Role.Admin, centreId) || await session.LoadAsync<Centre>(centreId, cancellationToken) is not { } centre)
        {
            return false;
        }

        Centre = centre;
        Rows = (await ResultRow.DecidedAtAsync(session, centreId, cancellationToken))
            .OrderBy(r => r.Outcome.Status == UnitStatus.Released)
            .ThenByDescending(r => r.Outcome.Current!.DecidedAt)
            .ToList();
        return true;
    }
}
