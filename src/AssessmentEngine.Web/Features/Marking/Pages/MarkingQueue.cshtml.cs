using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking.Queueing;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Marking.Pages;

/// <summary>The assessor's queue at a centre: responses waiting for a mark, and attempts waiting for a decision.</summary>
[Authorize(Policy = Policies.Assessor)]
public sealed class MarkingQueueModel(IQuerySession session, ResponsesToMark responses) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<WaitingResponse> Waiting { get; private set; } = [];

    public IReadOnlyList<(Attempt Attempt, Candidate Candidate)> Decided { get; private set; } = [];

    public string Who(Candidate candidate) => Centre.AnonymousMarking ? candidate.CandidateNumber : $"{candidate.Name} ({candidate.CandidateNumber})";

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        var centre = await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted);
        if (centre is null)
        {
            return NotFound();
        }

        Centre = centre;
        Waiting = await responses.HandleAsync(centreId, HttpContext.RequestAborted);
        var decided = await session.Query<Attempt>().Where(a => a.CentreId == centreId && a.Decision != null).OrderByDescending(a => a.SubmittedAt).Take(200).ToListAsync(HttpContext.RequestAborted);
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, decided.Select(a => a.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        Decided = decided.Select(a => (a, candidates[a.CandidateId])).ToList();
        return Page();
    }
}
