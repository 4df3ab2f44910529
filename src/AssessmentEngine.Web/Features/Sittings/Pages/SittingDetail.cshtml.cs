using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Sittings.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class SittingDetailModel(CentreRegistry registry, IQuerySession session) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public Sitting Sitting { get; private set; } = null!;

    public IReadOnlyList<string> InvigilatorNames { get; private set; } = [];

    public IReadOnlyList<(Booking Booking, Candidate Candidate)> Booked { get; private set; } = [];

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid centreId, Guid sittingId) => await Load(centreId, sittingId) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid centreId, Guid sittingId, string? numbers, [FromServices] BookCandidates booking)
    {
        if (!await Load(centreId, sittingId))
        {
            return NotFound();
        }

        var wanted = (numbers ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToUpperInvariant()).ToHashSet();
        var candidates = await session.Query<Candidate>().Where(c => c.CentreId == centreId).ToListAsync(HttpContext.RequestAborted);
        List<Guid> chosen;
        if (wanted.Count > 0)
        {
            var unknown = wanted.Except(candidates.Select(c => c.CandidateNumber)).ToList();
            if (unknown.Count > 0)
            {
                throw new RefusedException(RefusalKind.Invalid, $"No candidate here has the number(s) {string.Join(", ", unknown.Take(20))}.");
            }

            chosen = candidates.Where(c => wanted.Contains(c.CandidateNumber)).Select(c => c.Id).ToList();
        }
        else
        {
            // Everyone enrolled on the unit whose window covers the sitting (with their own extra time).
            var byId = candidates.ToDictionary(c => c.Id);
            var enrolled = await session.Query<Enrolment>().Where(e => e.CentreId == centreId && e.UnitCode == Sitting.UnitCode).ToListAsync(HttpContext.RequestAborted);
            chosen = enrolled.Where(e => byId.ContainsKey(e.CandidateId) && (e.WindowWeeks is null
                    || (e.Window is { } w && !e.Closed && w.Covers(Sitting.StartsAt, Sitting.EndsAtFor(byId[e.CandidateId].Adjustments.ExtraTimePercent)))))
                .Select(e => e.CandidateId).ToList();
        }

        var booked = await booking.HandleAsync(centreId, sittingId, chosen, new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
        Message = $"Booked {booked} candidate(s).";
        await Load(centreId, sittingId);
        return Page();
    }

    public Task ReloadAsync() => Load(Centre.Id, Sitting.Id);

    private async Task<bool> Load(Guid centreId, Guid sittingId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        var sitting = await session.LoadAsync<Sitting>(sittingId, HttpContext.RequestAborted);
        if (sitting is null || sitting.CentreId != centreId)
        {
            return false;
        }

        Sitting = sitting;
        InvigilatorNames = (await session.LoadManyAsync<UserAccount>(HttpContext.RequestAborted, sitting.InvigilatorIds.ToArray())).Select(a => a.DisplayName).ToList();
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, sitting.Bookings.Select(b => b.CandidateId).ToArray())).ToDictionary(c => c.Id);
        Booked = sitting.Bookings.Where(b => candidates.ContainsKey(b.CandidateId)).Select(b => (b, candidates[b.CandidateId]))
            .OrderBy(x => x.Item2.CandidateNumber, StringComparer.Ordinal).ToList();
        return true;
    }
}
