using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Marking.Pages;

/// <summary>A judged version of a candidate's evidence as the verifier's list shows it.</summary>
public sealed record EvidenceJudgement(Submission Submission, SubmittedVersion Version, Candidate Candidate, string Brief);

/// <summary>
/// The internal verifier's sample at a centre: attempts drawn by the rule or chosen, verified or waiting, and every other
/// decision; and every judgement of evidence, sampled (by the same rule, or chosen) or not.
/// </summary>
[Authorize(Policy = Policies.Verifier)]
public sealed class VerificationSampleModel(IQuerySession session) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<(Attempt Attempt, Candidate Candidate)> Sampled { get; private set; } = [];

    public IReadOnlyList<(Attempt Attempt, Candidate Candidate)> Others { get; private set; } = [];

    /// <summary>Judged versions of evidence: the sample waiting for verification first, then the rest of the sample, then the others, newest first.</summary>
    public IReadOnlyList<EvidenceJudgement> Evidence { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        var centre = await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted);
        if (centre is null)
        {
            return NotFound();
        }

        Centre = centre;
        var decided = await session.Query<Attempt>().Where(a => a.CentreId == centreId && a.Decision != null).OrderByDescending(a => a.SubmittedAt).Take(500).ToListAsync(HttpContext.RequestAborted);
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, decided.Select(a => a.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        Sampled = decided.Where(a => a.Sampled is not null).OrderBy(a => a.Verification is not null).Select(a => (a, candidates[a.CandidateId])).ToList();
        Others = decided.Where(a => a.Sampled is null).Select(a => (a, candidates[a.CandidateId])).ToList();
        Evidence = await EvidenceAsync(centreId);
        return Page();
    }

    private async Task<IReadOnlyList<EvidenceJudgement>> EvidenceAsync(Guid centreId)
    {
        var submissions = await session.Query<Submission>().Where(s => s.CentreId == centreId).Take(1_000).ToListAsync(HttpContext.RequestAborted);
        var judged = submissions.SelectMany(s => s.Versions.Where(v => v.Judgement is not null).Select(v => (Submission: s, Version: v))).ToList();
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, judged.Select(j => j.Submission.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var units = (await session.LoadManyAsync<BankUnit>(HttpContext.RequestAborted, judged.Select(j => j.Submission.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        string Brief(Submission submission, SubmittedVersion version) =>
            units.GetValueOrDefault(submission.UnitCode)?.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId)?.Title ?? version.Brief.Title;
        return judged.Where(j => candidates.ContainsKey(j.Submission.CandidateId))
            .OrderBy(j => j.Version.Sampled is null ? 2 : j.Version.Verification is null ? 0 : 1).ThenByDescending(j => j.Version.Judgement!.At)
            .Select(j => new EvidenceJudgement(j.Submission, j.Version, candidates[j.Submission.CandidateId], Brief(j.Submission, j.Version))).ToList();
    }
}
