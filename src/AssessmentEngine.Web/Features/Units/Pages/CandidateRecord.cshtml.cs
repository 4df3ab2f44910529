using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

/// <summary>The candidate's record of achievement: every unit achieved, who decided and countersigned it and when; made to print.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateRecordModel(CandidateResults results) : PageModel
{
    public Candidate Candidate { get; private set; } = null!;

    public Centre? Centre { get; private set; }

    public IReadOnlyList<AchievedUnit> Units { get; private set; } = [];

    public string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Centre?.Zone ?? TimeZoneInfo.Utc).ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));

    public async Task OnGetAsync() => (Candidate, Centre, Units) = await results.RecordAsync(User, HttpContext.RequestAborted);
}
