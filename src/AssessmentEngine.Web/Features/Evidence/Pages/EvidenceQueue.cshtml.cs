using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>The assessors' evidence queue at a centre, beside the marking queue: submissions waiting for judgement first, then those judged.</summary>
[Authorize(Policy = Policies.Assessor)]
public sealed class EvidenceQueueModel(EvidenceForAssessors submissions) : PageModel
{
    public Guid CentreId { get; private set; }

    public IReadOnlyList<SubmissionForStaff> Waiting { get; private set; } = [];

    public IReadOnlyList<SubmissionForStaff> Judged { get; private set; } = [];

    public string When(SubmissionForStaff row) => Enrolments.CentreTime.Show(row.Submission.Latest!.SubmittedAt, row.Centre.Zone);

    public async Task OnGetAsync(Guid centreId)
    {
        CentreId = centreId;
        var all = await submissions.AtCentreAsync(centreId, HttpContext.RequestAborted);
        Waiting = all.Where(s => s.Submission.Status == SubmissionStatus.AwaitingJudgement).ToList();
        Judged = all.Where(s => s.Submission.Status == SubmissionStatus.Judged).ToList();
    }
}
