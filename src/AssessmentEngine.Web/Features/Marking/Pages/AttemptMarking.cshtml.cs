using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking.Deciding;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Marking.Verifying;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Marking.Pages;

/// <summary>
/// One attempt, for the assessor (/assess/attempts/…) or the internal verifier (/verify/attempts/…): every response with
/// its marks, the marking guidance, the result per outcome; the assessor marks and decides, the verifier verifies.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class AttemptMarkingModel(IQuerySession session, MarkedAttempts attempts) : PageModel, IShowsRefusals
{
    public MarkedAttempt Marked { get; private set; } = null!;

    public Centre Centre { get; private set; } = null!;

    public bool Verifying { get; private set; }

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string Who => Centre.AnonymousMarking && Marked.Attempt.Decision is null && !Verifying
        ? Marked.Candidate.CandidateNumber
        : $"{Marked.Candidate.Name} ({Marked.Candidate.CandidateNumber})";

    private static Role RoleHere(string area) => area == "verify" ? Role.Verifier : Role.Assessor;

    private Staff Me => new(User.Id(), User.Actor());

    public async Task<IActionResult> OnGetAsync(string area, Guid attemptId) => await LoadAsync(area, attemptId) ? Page() : NotFound();

    public Task<IActionResult> OnPostMarkAsync(string area, Guid attemptId, string itemId, decimal marks, string? comment, [FromServices] MarkResponse marking) =>
        ActAsync(area, attemptId, Role.Assessor, () => marking.HandleAsync(attemptId, itemId, marks, comment, Me, User, HttpContext.RequestAborted), "Mark saved.");

    public Task<IActionResult> OnPostDecideAsync(string area, Guid attemptId, string? decision, string? justification, [FromServices] RecordDecision deciding) =>
        ActAsync(area, attemptId, Role.Assessor, () => deciding.HandleAsync(attemptId, decision, justification, Me, User, HttpContext.RequestAborted), "Decision recorded.");

    public Task<IActionResult> OnPostVerifyAsync(string area, Guid attemptId, bool agrees, string? comment, [FromServices] VerifyDecision verifying) =>
        ActAsync(area, attemptId, Role.Verifier, () => verifying.HandleAsync(attemptId, agrees, comment, Me, User, HttpContext.RequestAborted), "Verification recorded.");

    public Task<IActionResult> OnPostSampleAsync(string area, Guid attemptId, [FromServices] SampleForVerification sampling) =>
        ActAsync(area, attemptId, Role.Verifier, () => sampling.HandleAsync(attemptId, Me, User, HttpContext.RequestAborted), "Added to the sample.");

    private async Task<IActionResult> ActAsync(string area, Guid attemptId, Role role, Func<Task> act, string done)
    {
        if (RoleHere(area) != role || !await LoadAsync(area, attemptId))
        {
            return NotFound();
        }

        await act();
        Message = done;
        await LoadAsync(area, attemptId);
        return Page();
    }

    public int StatusFor(RefusedException refused) =>
        refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    public Task ReloadAsync() => LoadAsync(Verifying ? "verify" : "assess", Marked.Attempt.Id);

    private async Task<bool> LoadAsync(string area, Guid attemptId)
    {
        Verifying = area == "verify";
        try
        {
            Marked = await attempts.LoadAsync(attemptId, RoleHere(area), User, HttpContext.RequestAborted);
        }
        catch (RefusedException)
        {
            return false;
        }

        Centre = (await session.LoadAsync<Centre>(Marked.Attempt.CentreId, HttpContext.RequestAborted))!;
        return true;
    }
}
