using AssessmentEngine.Web.Features.ExternalVerification.Issuing;
using AssessmentEngine.Web.Features.ExternalVerification.Sampling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ExternalVerification.Pages;

/// <summary>
/// The external verifier at one centre: what can be sampled, by assessor and by internal verifier; their draft report with
/// the samples recorded so far, to issue; and the reports they issued.
/// </summary>
[Authorize(Policy = Policies.ExternalVerifier)]
public sealed class CentreSamplingModel(IQuerySession session, SampleableDecisions sampleable) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<SampledDecision> Decisions { get; private set; } = [];

    public ExternalReport? Draft { get; private set; }

    public IReadOnlyList<ExternalReport> Issued { get; private set; } = [];

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public IEnumerable<IGrouping<string, SampledDecision>> ByAssessor => Decisions.GroupBy(d => d.Assessor).OrderBy(g => g.Key, StringComparer.Ordinal);

    public IEnumerable<IGrouping<string, SampledDecision>> ByInternalVerifier =>
        Decisions.Where(d => d.InternalVerifier is not null).GroupBy(d => d.InternalVerifier!).OrderBy(g => g.Key, StringComparer.Ordinal);

    public bool InDraft(SampledDecision decision) => Draft?.Samples.Any(s => s.Sample.Is(decision.Kind, decision.SubjectId, decision.Version)) == true;

    private Guid _centreId;

    public async Task<IActionResult> OnGetAsync(Guid centreId, string? done)
    {
        if (!await LoadAsync(centreId))
        {
            return NotFound();
        }

        Message = done switch
        {
            "recorded" => "Your outcome was recorded in your draft report.",
            "issued" => "Your report was issued: the centre's exam officers see it now.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostIssueAsync(Guid centreId, string? summary, [FromServices] IssueExternalReport issuing)
    {
        _centreId = centreId;
        await issuing.HandleAsync(centreId, summary, User, HttpContext.RequestAborted);
        return Redirect($"/external/centres/{centreId}?done=issued");
    }

    public int StatusFor(RefusedException refused) =>
        refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    public Task ReloadAsync() => LoadAsync(_centreId);

    private async Task<bool> LoadAsync(Guid centreId)
    {
        if (await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) is not { } centre)
        {
            return false;
        }

        Centre = centre;
        Decisions = await sampleable.AtCentreAsync(centreId, HttpContext.RequestAborted);
        var reports = await ExternalReport.OfAsync(session, centreId, User.Id(), HttpContext.RequestAborted);
        Draft = reports.FirstOrDefault(r => !r.Issued);
        Issued = [.. reports.Where(r => r.Issued)];
        return true;
    }
}
