using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Candidates;

[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateHomeModel(IQuerySession session) : PageModel
{
    public Candidate? Candidate { get; private set; }

    /// <summary>Large text and high contrast are on by default where the adjustments say so.</summary>
    public string BodyClass => string.Join(' ',
        new[] { Candidate?.Adjustments.LargeText == true ? "large-text" : null, Candidate?.Adjustments.HighContrast == true ? "high-contrast" : null }
            .Where(c => c is not null));

    public async Task OnGetAsync()
    {
        var userId = User.Id();
        Candidate = await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, HttpContext.RequestAborted);
    }
}
