using AssessmentEngine.Web.Features.Evidence.CrossReferencing;
using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Evidence.Verifying;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>
/// A submission as its centre's assessors (who judge it) and internal verifiers (who sample and verify the judgements) see
/// it: every version with its files, the brief as the candidate saw it, the judgement of each (each criterion met or not
/// yet, and feedback), whether the judgement is in the verifier's sample and what the verifier found, and the other units of the
/// candidate it is counted for (an assessor counts a judged version for another unit here).
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class EvidenceJudgingModel(EvidenceForAssessors submissions, CrossReferenceEvidence crossReferencing) : PageModel, IShowsRefusals
{
    public SubmissionForStaff Found { get; private set; } = null!;

    /// <summary>The candidate's other units at the centre, which the assessor may count a judged version for.</summary>
    public IReadOnlyList<OtherUnit> OtherUnits { get; private set; } = [];

    public bool Assessing { get; private set; }

    public bool Verifying => !Assessing;

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Found.Centre.Zone);

    public async Task<IActionResult> OnGetAsync(string area, Guid submissionId)
    {
        try
        {
            await Load(area, submissionId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }

    public Task<IActionResult> OnPostJudgeAsync(string area, Guid submissionId, int version, string? feedback, [FromServices] JudgeEvidence judging)
    {
        var form = Request.Form;
        var criteria = form.Keys.Where(k => k.StartsWith("met:", StringComparison.Ordinal)).Take(200)
            .Select(k => new CriterionJudgement(k[4..], form[k] == "met", form[$"comment:{k[4..]}"].ToString())).ToList();
        return ActAsync(area, "assess", submissionId, () => judging.HandleAsync(User, submissionId, version, criteria, feedback, HttpContext.SourceAddress(), HttpContext.RequestAborted),
            () => $"Version {version} judged; the candidate can read your feedback.");
    }

    public Task<IActionResult> OnPostCrossReferenceAsync(string area, Guid submissionId, int version, Guid? enrolmentId, string[]? statements, string? comment)
    {
        var unitCode = "";
        return ActAsync(area, "assess", submissionId, async () => unitCode = await crossReferencing.HandleAsync(User, submissionId, version, enrolmentId,
                (statements ?? []).Take(500).ToList(), comment, HttpContext.SourceAddress(), HttpContext.RequestAborted),
            () => $"Version {version} counted for {unitCode}: its record lists it under the statements you ticked.");
    }

    public Task<IActionResult> OnPostSampleAsync(string area, Guid submissionId, int version, [FromServices] SampleEvidence sampling) =>
        ActAsync(area, "verify", submissionId, () => sampling.HandleAsync(User, submissionId, version, HttpContext.RequestAborted),
            () => $"The judgement of version {version} is in your sample.");

    public Task<IActionResult> OnPostVerifyAsync(string area, Guid submissionId, int version, bool? agrees, string? comment, [FromServices] VerifyEvidence verifying) =>
        ActAsync(area, "verify", submissionId, () => verifying.HandleAsync(User, submissionId, version,
                agrees ?? throw new RefusedException(RefusalKind.Invalid, "Say whether you agree with the judgement."), comment, HttpContext.SourceAddress(), HttpContext.RequestAborted),
            () => $"Your verification of version {version} is recorded.");

    /// <summary>An action of one area: judging the assessor's, sampling and verifying the verifier's; the other area answers "not found".</summary>
    private async Task<IActionResult> ActAsync(string area, string actionsArea, Guid submissionId, Func<Task> act, Func<string> done)
    {
        if (area != actionsArea)
        {
            return NotFound();
        }

        try
        {
            await Load(area, submissionId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        await act();
        await Load(area, submissionId);
        Message = done();
        return Page();
    }

    private string _area = "";
    private Guid _submissionId;

    public Task ReloadAsync() => Load(_area, _submissionId);

    public int StatusFor(RefusedException refused) => refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    private async Task Load(string area, Guid submissionId)
    {
        (_area, _submissionId) = (area, submissionId);
        Assessing = area == "assess";
        Found = await submissions.OwnAsync(User, Assessing ? Role.Assessor : Role.Verifier, submissionId, HttpContext.RequestAborted);
        OtherUnits = Assessing ? await crossReferencing.OtherUnitsAsync(Found.Submission, HttpContext.RequestAborted) : [];
    }
}
