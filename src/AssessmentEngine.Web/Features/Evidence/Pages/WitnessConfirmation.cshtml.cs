using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

/// <summary>
/// A witness opens the link the assessor sent them, reads the testimony recorded in their name and confirms it. No
/// account: the link is the key (its hash alone is stored), and it confirms once.
/// </summary>
[AllowAnonymous]
public sealed class WitnessConfirmationModel(RecordAssessorEvidence recording, IQuerySession session) : PageModel
{
    public AssessorRecord Record { get; private set; } = null!;

    public string CandidateName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string link) => await LoadAsync(link) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string link)
    {
        if (!await LoadAsync(link))
        {
            return NotFound();
        }

        Record = await recording.ConfirmAsync(link, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        return Page();
    }

    private async Task<bool> LoadAsync(string link)
    {
        try
        {
            Record = await recording.WitnessedAsync(link, HttpContext.RequestAborted);
        }
        catch (RefusedException)
        {
            return false;
        }

        CandidateName = (await session.LoadAsync<Candidate>(Record.CandidateId, HttpContext.RequestAborted))?.Name ?? "the candidate";
        return true;
    }
}
