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
        try
        {
            Attempt = await session.OwnAttemptAsync(User, attemptId, HttpContext.RequestAborted);
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

        var candidate = await session.LoadAsync<Candidate>(Attempt.CandidateId, HttpContext.RequestAborted);
        ViewData["BodyClass"] = CandidateLook.BodyClass(candidate) + " test-page";
        RequestToken = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
        return Page();
    }
}
