using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

public sealed record BriefRow(BriefOnEnrolment Brief, Submission? Submission)
{
    public string Status => Submission?.Status switch
    {
        null => "Not started",
        SubmissionStatus.Draft => $"Draft: {Submission.Draft.Count} file(s) uploaded, not submitted",
        SubmissionStatus.AwaitingJudgement => $"Version {Submission.Latest!.Number} submitted, waiting for your assessor",
        _ => $"Version {Submission.Latest!.Number} has feedback from your assessor",
    };
}

/// <summary>The briefs of the units the candidate is enrolled on, where each of their submissions stands, and what their assessors recorded for them.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateEvidenceModel(CandidateBriefs briefs, IQuerySession session) : PageModel
{
    public IReadOnlyList<BriefRow> Rows { get; private set; } = [];

    public string BodyClass { get; private set; } = "";

    /// <summary>What the candidate's assessors recorded for them: observations, discussions, questioning and witness testimonies.</summary>
    public IReadOnlyList<Recording.AssessorRecord> Records { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var all = await briefs.AllAsync(User, HttpContext.RequestAborted);
        var submissions = (await session.LoadManyAsync<Submission>(HttpContext.RequestAborted, all.Select(b => b.SubmissionId).ToArray())).ToDictionary(s => s.Id);
        Rows = all.Select(b => new BriefRow(b, submissions.GetValueOrDefault(b.SubmissionId))).ToList();
        var candidate = all.Count > 0 ? all[0].Candidate : await briefs.CandidateAsync(User, HttpContext.RequestAborted);
        BodyClass = CandidateLook.BodyClass(candidate);
        Records = await session.Query<Recording.AssessorRecord>().Where(r => r.CandidateId == candidate.Id).OrderByDescending(r => r.On).ToListAsync(HttpContext.RequestAborted);
    }
}
