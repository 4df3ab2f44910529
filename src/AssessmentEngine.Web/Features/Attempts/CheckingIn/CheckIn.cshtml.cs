using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace AssessmentEngine.Web.Features.Attempts.CheckingIn;

/// <summary>The candidate types the access code the invigilator shows, and goes to the waiting room.</summary>
[Authorize(Policy = Policies.Candidate)]
[EnableRateLimiting(AttemptsSetup.CheckInRateLimit)]
public sealed class CheckInModel(IQuerySession session, SittingReads sittings, CheckIn checkIn) : PageModel, IShowsRefusals
{
    public Candidate Candidate { get; private set; } = null!;

    public Sitting Sitting { get; private set; } = null!;

    public string StartsAt { get; private set; } = "";

    public string? Problem { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid sittingId)
    {
        if (!await LoadAsync(sittingId))
        {
            return NotFound();
        }

        return await session.LoadAsync<Attempt>(CheckIn.IdFor(sittingId, Candidate.Id), HttpContext.RequestAborted) is { } attempt
            ? Redirect($"/candidate/attempts/{attempt.Id}")
            : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid sittingId, string? accessCode)
    {
        if (!await LoadAsync(sittingId))
        {
            return NotFound();
        }

        var attempt = await checkIn.HandleAsync(sittingId, Candidate, accessCode, User.Actor(), HttpContext.RequestAborted);
        return Redirect($"/candidate/attempts/{attempt.Id}");
    }

    private async Task<bool> LoadAsync(Guid sittingId)
    {
        var userId = User.Id();
        var candidate = await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, HttpContext.RequestAborted);
        var sitting = await sittings.LoadAsync(sittingId, HttpContext.RequestAborted);
        if (candidate is null || sitting is null || sitting.Bookings.All(b => b.CandidateId != candidate.Id))
        {
            return false;
        }

        (Candidate, Sitting) = (candidate, sitting);
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, HttpContext.RequestAborted);
        StartsAt = CentreTime.Show(sitting.StartsAt, centre?.Zone ?? TimeZoneInfo.Utc);
        ViewData["BodyClass"] = CandidateLook.BodyClass(candidate);
        return true;
    }
}
