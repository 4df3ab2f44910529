using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Attempts.Answering;

/// <summary>The test itself: a page that runs in the browser (wwwroot/js/test/main.js) against the attempts API.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class TestPageModel(IQuerySession session, IAntiforgery antiforgery, InvigilationPlaybook playbook) : PageModel
{
    public int HeartbeatSeconds => playbook.Rules.HeartbeatSeconds;

    public Attempt Attempt { get; private set; } = null!;

    public string RequestToken { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid attemptId)
    {
        // Every page of a room started together loads this at once: the candidate read once, for whose attempt it is and
        // how their page looks.
        Candidate candidate;
        try
        {
            (candidate, Attempt) = await session.CandidateAndOwnAttemptAsync(User, attemptId, HttpContext.RequestAborted);
        }
        catch (RefusedException)
        {
            return NotFound();
        }

        if (Attempt.Status == AttemptStatus.Submitted)
        {
            return Redirect($"/candidate/attempts/{Attempt.Id}/receipt");
        }

        if (!Attempt.InProgress)
        {
            return Redirect($"/candidate/attempts/{Attempt.Id}");
        }

        ViewData["BodyClass"] = CandidateLook.BodyClass(candidate) + " test-page";
        RequestToken = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
        return Page();
    }
}
