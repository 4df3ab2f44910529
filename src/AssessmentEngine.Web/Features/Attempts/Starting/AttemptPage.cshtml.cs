using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Attempts.Starting;

/// <summary>
/// The candidate's attempt before the test: the waiting room until an invigilator admits them, then the instructions
/// (the test's own and the centre's), their adjustments, and Start. Once started it is the test page; once submitted, the receipt.
/// </summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class AttemptPageModel(IQuerySession session, StartAttempt start, InvigilationPlaybook playbook) : PageModel, IShowsRefusals
{
    public Attempt Attempt { get; private set; } = null!;

    public Candidate Candidate { get; private set; } = null!;

    public Sitting Sitting { get; private set; } = null!;

    public string TestTitle { get; private set; } = "";

    public string TestInstructionsHtml { get; private set; } = "";

    public string CentreInstructionsHtml => playbook.CandidateInstructionsHtml;

    public int DurationMinutes => Sitting.DurationMinutes;

    public string? Problem { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid attemptId)
    {
        try
        {
            await LoadAsync(attemptId);
        }
        catch (RefusedException)
        {
            return NotFound();
        }

        return Attempt.Status switch
        {
            AttemptStatus.InProgress => Redirect($"/candidate/attempts/{Attempt.Id}/test"),
            AttemptStatus.Submitted => Redirect($"/candidate/attempts/{Attempt.Id}/receipt"),
            _ => Page(),
        };
    }

    public async Task<IActionResult> OnPostStartAsync(Guid attemptId)
    {
        try
        {
            await LoadAsync(attemptId);
        }
        catch (RefusedException)
        {
            return NotFound(); // not this candidate's attempt: as if there were none
        }

        await start.HandleAsync(Attempt, User.Actor(), HttpContext.RequestAborted);
        return Redirect($"/candidate/attempts/{Attempt.Id}/test");
    }

    /// <summary>Starting is refused by the attempt's state (not admitted yet, the window closed).</summary>
    public int StatusFor(RefusedException refused) => StatusCodes.Status409Conflict;

    private async Task LoadAsync(Guid attemptId)
    {
        Attempt = await session.OwnAttemptAsync(User, attemptId, HttpContext.RequestAborted);
        Candidate = (await session.LoadAsync<Candidate>(Attempt.CandidateId, HttpContext.RequestAborted))!;
        Sitting = (await session.LoadAsync<Sitting>(Attempt.SittingId, HttpContext.RequestAborted))!;
        var blueprint = (await session.LoadAsync<BankUnit>(Attempt.UnitCode, HttpContext.RequestAborted))?.Blueprints.FirstOrDefault(b => b.Id == Attempt.TestId);
        TestTitle = blueprint?.Title ?? Attempt.UnitCode;
        TestInstructionsHtml = blueprint?.InstructionsHtml ?? "";
        ViewData["BodyClass"] = CandidateLook.BodyClass(Candidate);
    }
}
