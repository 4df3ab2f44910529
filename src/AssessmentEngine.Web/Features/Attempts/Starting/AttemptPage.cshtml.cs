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
public sealed class AttemptPageModel(IQuerySession session, SittingReads sittings, StartAttempt start, InvigilationPlaybook playbook) : PageModel, IShowsRefusals
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
            AttemptStatus.InProgress => Redirect(WorkPage),
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
        return Redirect(WorkPage);
    }

    /// <summary>Starting is refused by the attempt's state (not admitted yet, the window closed).</summary>
    public int StatusFor(RefusedException refused) => StatusCodes.Status409Conflict;

    /// <summary>Where the candidate works once started: the test page, or an assignment's brief.</summary>
    public string WorkPage { get; private set; } = "";

    private async Task LoadAsync(Guid attemptId)
    {
        (Candidate, Attempt) = await session.CandidateAndOwnAttemptAsync(User, attemptId, HttpContext.RequestAborted);
        Sitting = (await sittings.LoadAsync(Attempt.SittingId, HttpContext.RequestAborted))!;
        var unit = await session.LoadAsync<BankUnit>(Attempt.UnitCode, HttpContext.RequestAborted);
        var blueprint = unit?.Blueprints.FirstOrDefault(b => b.Id == Attempt.TestId);
        var assignment = unit?.Assignment(Attempt.TestId);
        TestTitle = blueprint?.Title ?? assignment?.Title ?? Attempt.UnitCode;
        TestInstructionsHtml = blueprint?.InstructionsHtml
            ?? (assignment is null ? "" : "<p>This is a supervised assignment: when it starts, its brief opens and you upload your work before the time is up.</p>");
        // An assignment is answered on its brief's page, with files; a test on the test page.
        WorkPage = assignment is null ? $"/candidate/attempts/{Attempt.Id}/test" : $"/candidate/evidence/{Attempt.EnrolmentId}/{Uri.EscapeDataString(assignment.Id)}";
        ViewData["BodyClass"] = CandidateLook.BodyClass(Candidate);
    }
}
