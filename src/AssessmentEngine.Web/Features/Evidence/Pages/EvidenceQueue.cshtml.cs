using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>The assessors' evidence queue at a centre, beside the marking queue: submissions waiting for judgement first, then those judged.</summary>
[Authorize(Policy = Policies.Assessor)]
public sealed class EvidenceQueueModel(EvidenceForAssessors submissions, Marten.IQuerySession session) : PageModel
{
    public Guid CentreId { get; private set; }

    public IReadOnlyList<SubmissionForStaff> Waiting { get; private set; } = [];

    public IReadOnlyList<SubmissionForStaff> Judged { get; private set; } = [];

    /// <summary>The centre's enrolments, for recording the evidence an assessor gathers (observation, discussion, witness).</summary>
    public IReadOnlyList<(Enrolments.Enrolment Enrolment, Candidate Candidate)> Enrolled { get; private set; } = [];

    public string When(SubmissionForStaff row) => Enrolments.CentreTime.Show(row.Submission.Latest!.SubmittedAt, row.Centre.Zone);

    public async Task OnGetAsync(Guid centreId)
    {
        CentreId = centreId;
        var all = await submissions.AtCentreAsync(centreId, HttpContext.RequestAborted);
        Waiting = all.Where(s => s.Submission.Status == SubmissionStatus.AwaitingJudgement).ToList();
        Judged = all.Where(s => s.Submission.Status == SubmissionStatus.Judged).ToList();
        var enrolments = await Marten.QueryableExtensions.ToListAsync(session.Query<Enrolments.Enrolment>().Where(e => e.CentreId == centreId).Take(1_000), HttpContext.RequestAborted);
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, enrolments.Select(e => e.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        Enrolled = enrolments.Where(e => candidates.ContainsKey(e.CandidateId)).Select(e => (e, candidates[e.CandidateId]))
            .OrderBy(r => r.Item2.CandidateNumber, StringComparer.Ordinal).ThenBy(r => r.e.UnitCode, StringComparer.Ordinal).ToList();
    }
}
