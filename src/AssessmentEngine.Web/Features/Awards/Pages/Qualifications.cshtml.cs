using System.Globalization;
using System.Text;
using AssessmentEngine.Web.Features.Awards.Claiming;
using AssessmentEngine.Web.Features.Awards.Registering;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using CsvHelper;
using CsvHelper.Configuration;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Awards.Pages;

/// <summary>A qualification with the centre's candidates registered for it and where each stands.</summary>
public sealed record QualificationStandings(BankQualification Qualification, IReadOnlyList<CandidateAward> Candidates)
{
    public IReadOnlyList<CandidateAward> ReadyToClaim => Candidates.Where(c => c.ReadyToClaim).ToList();
}

/// <summary>
/// The exam officer's qualifications: per qualification, the candidates registered for it with their progress toward the
/// award, and those ready to be claimed for certification (as a CSV download too, ?format=csv); registering candidates
/// and marking certificates claimed.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class QualificationsModel(CentreRegistry registry, IQuerySession session) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<QualificationStandings> Qualifications { get; private set; } = [];

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid centreId, string? format)
    {
        await Load(centreId);
        if (format != "csv")
        {
            return Page();
        }

        var ready = Qualifications.SelectMany(q => q.ReadyToClaim.Select(c => (q.Qualification, Candidate: c))).ToList();
        return File(Csv(ready, Centre.Zone), "text/csv", $"ready-to-claim-{Centre.Number}.csv");
    }

    public Task<IActionResult> OnPostRegisterAsync(Guid centreId, string? qualification, string? numbers, [FromServices] RegisterCandidates registering) =>
        Act(centreId, async acting =>
        {
            var wanted = (numbers ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries);
            var count = await registering.HandleAsync(centreId, qualification ?? "", wanted, acting, HttpContext.RequestAborted);
            Message = $"Registered {count} candidate(s) for {qualification}{(wanted.Distinct(StringComparer.OrdinalIgnoreCase).Count() > count ? "; the others already were" : "")}.";
        });

    public Task<IActionResult> OnPostClaimAsync(Guid centreId, string? qualification, Guid[]? candidateIds, [FromServices] ClaimCertification claiming) =>
        Act(centreId, async acting =>
        {
            var count = await claiming.HandleAsync(centreId, qualification ?? "", candidateIds ?? [], acting, HttpContext.RequestAborted);
            Message = $"Marked {count} certificate(s) for {qualification} as claimed.";
        });

    private async Task<IActionResult> Act(Guid centreId, Func<Acting, Task> action)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        await action(new Acting(User.Actor(), HttpContext.SourceAddress()));
        await Load(centreId);
        return Page();
    }

    public Task ReloadAsync() => Load(Centre.Id);

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        var qualifications = await session.Query<BankQualification>().ToListAsync(HttpContext.RequestAborted);
        var standings = await AwardStandings.ForCentreAsync(session, centreId, HttpContext.RequestAborted);
        Qualifications = qualifications.OrderBy(q => q.Id, StringComparer.Ordinal)
            .Select(q => new QualificationStandings(q, standings.Where(s => s.Registration.QualificationCode == q.Id).ToList())).ToList();
    }

    /// <summary>
    /// The candidates ready to claim as UTF-8 CSV with a byte order mark: every value quoted, and one a spreadsheet would run as
    /// a formula (starting = + - @) neutralised. Units as "code (date of decision, the centre's own)", separated by semicolons.
    /// </summary>
    private static byte[] Csv(IReadOnlyList<(BankQualification Qualification, CandidateAward Candidate)> rows, TimeZoneInfo zone)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var options = new CsvConfiguration(CultureInfo.InvariantCulture) { ShouldQuote = _ => true, InjectionOptions = InjectionOptions.Escape };
        using (var csv = new CsvWriter(text, options, leaveOpen: true))
        {
            foreach (var header in new[] { "candidate_number", "name", "qualification_code", "qualification_title", "units_achieved" })
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var (qualification, candidate) in rows)
            {
                csv.WriteField(candidate.Candidate.CandidateNumber);
                csv.WriteField(candidate.Candidate.Name);
                csv.WriteField(qualification.Code);
                csv.WriteField(qualification.Definition.Title);
                csv.WriteField(string.Join("; ", candidate.Counted.Select(u => $"{u.UnitCode} ({TimeZoneInfo.ConvertTime(u.DecidedAt, zone):yyyy-MM-dd})")));
                csv.NextRecord();
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}
