using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Features.Evidence.Uploading;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>One brief as the candidate answers it: the task, their draft (uploads resumable after a cut), submitting, and every version with its feedback.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateBriefModel(CandidateBriefs briefs, IQuerySession session, IAntiforgery antiforgery, EvidenceLimits limits, TimeProvider time)
    : PageModel, IShowsRefusals
{
    public BriefOnEnrolment Brief { get; private set; } = null!;

    public Submission? Submission { get; private set; }

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string RequestToken { get; private set; } = "";

    public string Limit => limits.Describe;

    public long LimitBytes => limits.MaxFileBytes;

    public string? ClosedReason { get; private set; }

    public bool Open => ClosedReason is null;

    /// <summary>Whether the draft may be submitted: while uploads are open, and for an assignment also once its time is up.</summary>
    public bool MaySubmit { get; private set; }

    public string? Closes => Brief.Enrolment.Window is { } window ? CentreTime.Show(window.Closes, Brief.Centre.Zone) : null;

    public string When(DateTimeOffset at) => CentreTime.Show(at, Brief.Centre.Zone);

    public string Words(EvidenceFile file) => (file.Words, Brief.Brief.Words) switch
    {
        (null, null) => "",
        (null, _) => "words could not be counted",
        ({ } words, null) => $"{words:N0} words",
        ({ } words, { } range) when words < range.Min => $"{words:N0} words — fewer than the {range.Min:N0} to {range.Max:N0} the brief asks for",
        ({ } words, { } range) when words > range.Max => $"{words:N0} words — more than the {range.Min:N0} to {range.Max:N0} the brief asks for",
        ({ } words, { } range) => $"{words:N0} words — within the {range.Min:N0} to {range.Max:N0} the brief asks for",
    };

    private const string DoneKey = "evidence-done";

    public async Task<IActionResult> OnGetAsync(Guid enrolmentId, string briefId)
    {
        Message = TempData[DoneKey] as string;
        try
        {
            await Load(enrolmentId, briefId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }

    public Task<IActionResult> OnPostSubmitAsync(Guid enrolmentId, string briefId, bool declared, [FromServices] SubmitEvidence submitting) => Act(enrolmentId, briefId, async () =>
    {
        var version = await submitting.SubmitAsync(User, enrolmentId, briefId, declared, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        return $"Submitted as version {version}. Your assessor has been told; their feedback will appear here.";
    });

    public Task<IActionResult> OnPostRemoveAsync(Guid enrolmentId, string briefId, Guid fileId, [FromServices] SubmitEvidence submitting) => Act(enrolmentId, briefId, async () =>
    {
        await submitting.RemoveAsync(User, enrolmentId, briefId, fileId, HttpContext.RequestAborted);
        return "The file was taken out of your draft.";
    });

    /// <summary>
    /// Acts, then sends the browser back to the page with a GET (its message carried over), so that reloading the page
    /// never posts the form again: a refusal is shown on the page the post answers.
    /// </summary>
    private async Task<IActionResult> Act(Guid enrolmentId, string briefId, Func<Task<string>> action)
    {
        try
        {
            await Load(enrolmentId, briefId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        TempData[DoneKey] = await action();
        return RedirectToPage(new { enrolmentId, briefId });
    }

    private Guid _enrolmentId;
    private string _briefId = "";

    public Task ReloadAsync() => Load(_enrolmentId, _briefId);

    public int StatusFor(RefusedException refused) => refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    private async Task Load(Guid enrolmentId, string briefId)
    {
        (_enrolmentId, _briefId) = (enrolmentId, briefId);
        Brief = await briefs.OwnAsync(User, enrolmentId, briefId, HttpContext.RequestAborted);
        Submission = await session.LoadAsync<Submission>(Brief.SubmissionId, HttpContext.RequestAborted);
        ClosedReason = Brief.ClosedReason(time.GetUtcNow());
        MaySubmit = Brief.SubmitClosedReason(time.GetUtcNow()) is null;
        RequestToken = antiforgery.GetAndStoreTokens(HttpContext).RequestToken ?? "";
    }
}
