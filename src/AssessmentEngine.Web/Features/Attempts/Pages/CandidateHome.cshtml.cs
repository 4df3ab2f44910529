using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Attempts.Pages;

/// <summary>A booked sitting as the candidate sees it today, with their attempt if they have checked in.</summary>
public sealed record BookedSitting(Sitting Sitting, string StartsAt, Attempt? Attempt)
{
    public string Link => Attempt is null ? $"/candidate/sittings/{Sitting.Id}" : $"/candidate/attempts/{Attempt.Id}";

    public string Action => Attempt?.Status switch
    {
        null => "Check in",
        AttemptStatus.Waiting => "Waiting to be admitted",
        AttemptStatus.Admitted => "Read the instructions and start",
        AttemptStatus.InProgress => "Continue your test",
        AttemptStatus.Submitted => "See your receipt",
        _ => "Not admitted",
    };
}

[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateHomeModel(IQuerySession session, ICandidateUnits units, TimeProvider time) : PageModel
{
    public Candidate? Candidate { get; private set; }

    public IReadOnlyList<BookedSitting> Today { get; private set; } = [];

    /// <summary>The candidate's units and where each stands (a released result included).</summary>
    public IReadOnlyList<CandidateUnitStatus> Units { get; private set; } = [];

    /// <summary>Large text and high contrast are on by default where the adjustments say so.</summary>
    public string BodyClass => CandidateLook.BodyClass(Candidate);

    public async Task OnGetAsync()
    {
        var userId = User.Id();
        Candidate = await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, HttpContext.RequestAborted);
        if (Candidate is null)
        {
            return;
        }

        var centre = await session.LoadAsync<Centre>(Candidate.CentreId, HttpContext.RequestAborted);
        var zone = centre?.Zone ?? TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var from = WindowCalendar.StartOfDay(today, zone);
        var to = WindowCalendar.StartOfDay(today.AddDays(1), zone);
        var id = Candidate.Id;
        var sittings = await session.Query<Sitting>()
            .Where(s => s.CentreId == Candidate.CentreId && s.StartsAt >= from && s.StartsAt < to && s.Bookings.Any(b => b.CandidateId == id))
            .OrderBy(s => s.StartsAt).ToListAsync(HttpContext.RequestAborted);
        var attempts = (await session.LoadManyAsync<Attempt>(HttpContext.RequestAborted, sittings.Select(s => CheckIn.IdFor(s.Id, id)).ToArray()))
            .ToDictionary(a => a.SittingId);
        Today = sittings.Select(s => new BookedSitting(s, CentreTime.Show(s.StartsAt, zone), attempts.GetValueOrDefault(s.Id))).ToList();
        Units = await units.ForAsync(Candidate, HttpContext.RequestAborted);
    }
}
