using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>
/// The evidence an assessor gathered for a candidate's unit, and the form to record more: an observation, a professional
/// discussion or questioning (with an optional recording), or a witness testimony (with its one-time link for the witness).
/// </summary>
[Authorize(Policy = Policies.Assessor)]
public sealed class AssessorRecordsModel(RecordAssessorEvidence recording) : PageModel, IShowsRefusals
{
    public EnrolmentForAssessor Found { get; private set; } = null!;

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    /// <summary>A witness's link, shown once, right after the testimony is recorded.</summary>
    public string? WitnessLink { get; private set; }

    [BindProperty]
    public RecordKind Kind { get; set; } = RecordKind.Observation;

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Found.Centre.Zone);

    public async Task<IActionResult> OnGetAsync(Guid enrolmentId)
    {
        try
        {
            Found = await recording.EnrolmentAsync(User, Role.Assessor, enrolmentId, HttpContext.RequestAborted);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostRecordAsync(Guid enrolmentId, DateOnly? on, string? activity, string? account, string[]? covers, string? witnessName,
        string? witnessRole, string? relationship, IFormFile? audio, string[]? also)
    {
        _enrolmentId = enrolmentId;
        try
        {
            Found = await recording.EnrolmentAsync(User, Role.Assessor, enrolmentId, HttpContext.RequestAborted);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        var witness = Kind == RecordKind.WitnessTestimony ? new Witness(witnessName ?? "", witnessRole ?? "", relationship ?? "") : null;
        var link = await recording.RecordAsync(User, enrolmentId, new RecordForm(Kind, on, activity, account, covers ?? [], witness, AlsoFor(also ?? [])), audio,
            HttpContext.SourceAddress(), HttpContext.RequestAborted);
        Found = await recording.EnrolmentAsync(User, Role.Assessor, enrolmentId, HttpContext.RequestAborted);
        Message = $"{AssessorRecords.Title(Kind)} recorded.";
        WitnessLink = link is null ? null : $"{Request.Scheme}://{Request.Host}/witness/{link}";
        return Page();
    }

    /// <summary>The form's ticks of the candidate's other units ("enrolment/statement"), by enrolment.</summary>
    private static Dictionary<Guid, IReadOnlyList<string>> AlsoFor(string[] ticked) =>
        ticked.Take(500).Select(t => t.Split('/', 2)).Select(p => p.Length == 2 && Guid.TryParse(p[0], out var enrolment) ? (enrolment, p[1])
                : throw new RefusedException(RefusalKind.Invalid, "A statement of another unit was not understood; tick it again."))
            .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Item2)]);

    private Guid _enrolmentId;

    public async Task ReloadAsync() => Found = await recording.EnrolmentAsync(User, Role.Assessor, _enrolmentId, HttpContext.RequestAborted);
}
