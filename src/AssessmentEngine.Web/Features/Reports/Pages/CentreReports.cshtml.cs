using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Reports.Loading;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Reports.Pages;

/// <summary>
/// The exam officer's view of where the centre stands, each section's table also a CSV download (?csv=status, outstanding,
/// plans or windows). Only the centre's own exam officers: the policy checks the role at the centre in the route.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class CentreReportsModel(LoadCentreReport loading) : PageModel
{
    public CentreReport Report { get; private set; } = null!;

    public StatusChart Chart { get; private set; } = null!;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid centreId, string? csv)
    {
        Report = await loading.HandleAsync(centreId, HttpContext.RequestAborted);
        Chart = StatusChart.For(Report.Units);
        if (csv is null)
        {
            return Page();
        }

        if (Report.Section(csv) is not { } table)
        {
            Problem = $"There is no section \"{(csv.Length > 40 ? csv[..40] + "…" : csv)}\" to download; the downloads are {string.Join(", ", CentreReport.Sections)}.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var stamp = TimeZoneInfo.ConvertTime(Report.At, Report.Centre.Zone).ToString("yyyyMMdd-HHmm", System.Globalization.CultureInfo.InvariantCulture);
        return File(table.Csv(), "text/csv", $"centre-{Report.Centre.Number}-{csv}-{stamp}.csv");
    }
}
