using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Sittings.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class SittingsModel(ScheduleSitting scheduling, CentreRegistry registry, IQuerySession session) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<AssessmentEngine.ItemBank.Unit> Units { get; private set; } = [];

    public IReadOnlyList<UserAccount> Invigilators { get; private set; } = [];

    public IReadOnlyList<Sitting> List { get; private set; } = [];

    public string? Problem { get; set; }

    public async Task OnGetAsync(Guid centreId) => await Load(centreId);

    public async Task<IActionResult> OnPostAsync(Guid centreId, string? unit, string? room, DateOnly? day, TimeOnly? time, int? duration, Guid[]? invigilators)
    {
        await Load(centreId);
        var test = Units.FirstOrDefault(u => u.Code == unit) is { Blueprints.Count: > 0 } chosen
            ? chosen.Blueprints[0]
            : throw new RefusedException(RefusalKind.Invalid, "Choose a unit that has a test.");
        if (day is null || time is null)
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the date and the start time.");
        }

        var starts = CentreTime.FromLocal(day.Value, time.Value, Centre.Zone);
        var sitting = await scheduling.HandleAsync(centreId, test.UnitCode, room, starts, duration ?? test.DurationMinutes, invigilators ?? [],
            new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
        return Redirect($"/centres/{centreId}/sittings/{sitting.Id}");
    }

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Units = await session.UnitsAsync(Centre.Offers, HttpContext.RequestAborted);
#pragma warning disable CA1847 // Marten translates Contains(string) to SQL; Contains(char) it does not
        var staff = await session.Query<UserAccount>().Where(a => a.SignInName.Contains("@")).ToListAsync(HttpContext.RequestAborted);
#pragma warning restore CA1847
        Invigilators = staff.Where(a => a.Holds(Role.Invigilator, centreId)).OrderBy(a => a.DisplayName, StringComparer.Ordinal).ToList();
        List = await session.Query<Sitting>().Where(s => s.CentreId == centreId).OrderByDescending(s => s.StartsAt).Take(200).ToListAsync(HttpContext.RequestAborted);
    }
}
