using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Awards.Pages;

/// <summary>The candidate's own progress toward each qualification their centre has registered them for.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateAwardModel(IQuerySession session) : PageModel
{
    public Candidate? Candidate { get; private set; }

    public IReadOnlyList<CandidateAward> Awards { get; private set; } = [];

    /// <summary>Large text and high contrast are on by default where the adjustments say so.</summary>
    public string BodyClass => CandidateLook.BodyClass(Candidate);

    public async Task OnGetAsync()
    {
        var userId = User.Id();
        Candidate = await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, HttpContext.RequestAborted);
        if (Candidate is not null)
        {
            Awards = await AwardStandings.ForCandidateAsync(session, Candidate, HttpContext.RequestAborted);
        }
    }
}
