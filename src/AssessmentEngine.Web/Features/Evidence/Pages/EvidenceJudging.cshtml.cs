using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>
/// A submission as its centre's assessors (who judge it) and verifiers (who read it) see it: every version with its files,
/// the brief as the candidate saw it, and the judgement of the latest: each criterion met or not yet, and feedback.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class EvidenceJudgingModel(EvidenceForAssessors submissions) : PageModel, IShowsRefusals
{
    public SubmissionForStaff Found { get; private set; } = null!;

    public bool Assessing { get; private set; }

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Found.Centre.Zone);

    public async Task<IActionResult> OnGetAsync(string area, Guid submissionId)
    {
        try
        {
            await Load(area, submissionId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostJudgeAsync(string area, Guid submissionId, int version, string? feedback, [FromServices] JudgeEvidence judging)
    {
        if (area != "assess")
        {
            return NotFound();
        }

        try
        {
            await Load(area, submissionId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        var form = Request.Form;
        var criteria = form.Keys.Where(k => k.StartsWith("met:", StringComparison.Ordinal)).Take(200)
            .Select(k => new CriterionJudgement(k[4..], form[k] == "met", form[$"comment:{k[4..]}"].ToString())).ToList();
        await judging.HandleAsync(User, submissionId, version, criteria, feedback, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        await Load(area, submissionId);
        Message = $"Version {version} judged; the candidate can read your feedback.";
        return Page();
    }

    private string _area = "";
    private Guid _submissionId;

    public Task ReloadAsync() => Load(_area, _submissionId);

    public int StatusFor(RefusedException refused) => refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    private async Task Load(string area, Guid submissionId)
    {
        (_area, _submissionId) = (area, submissionId);
        Assessing = area == "assess";
        Found = await submissions.OwnAsync(User, Assessing ? Role.Assessor : Role.Verifier, submissionId, HttpContext.RequestAborted);
    }
}
