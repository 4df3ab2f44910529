using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Marking.Pages;

/// <summary>The internal verifier's sample at a centre: attempts drawn by the rule or chosen, verified or waiting, and every other decision.</summary>
[Authorize(Policy = Policies.Verifier)]
public sealed class VerificationSampleModel(IQuerySession session) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<(Attempt Attempt, Candidate Candidate)> Sampled { get; private set; } = [];

    public IReadOnlyList<(Attempt Attempt, Candidate Candidate)> Others { get; private set; } = [];

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
        return Page();
    }
}
