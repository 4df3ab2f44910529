using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Attempts.Submitting;

/// <summary>After submission: when, why, and the short hash of the responses the candidate can note down.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class ReceiptModel(IQuerySession session) : PageModel
{
    public Attempt Attempt { get; private set; } = null!;

    public string SubmittedAt { get; private set; } = "";

    public int Answered { get; private set; }

    public string Why => Attempt.SubmissionReason switch
    {
        SubmissionReasons.TimeUp => "Time was up, so your answers were submitted for you.",
        SubmissionReasons.WindowClosed => "Your assessment window closed, so your answers were submitted for you.",
        _ => "You submitted your test.",
    };

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

        if (Attempt.Status != AttemptStatus.Submitted)
        {
            return Redirect($"/candidate/attempts/{Attempt.Id}");
        }

        var centre = await session.LoadAsync<Centre>(Attempt.CentreId, HttpContext.RequestAborted);
        SubmittedAt = CentreTime.Show(Attempt.SubmittedAt!.Value, centre?.Zone ?? TimeZoneInfo.Utc);
        Answered = Attempt.Answers.Count(a => !a.Value.Response.IsEmpty);
        ViewData["BodyClass"] = CandidateLook.BodyClass(await session.LoadAsync<Candidate>(Attempt.CandidateId, HttpContext.RequestAborted));
        return Page();
    }
}
