using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Centres;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ItemBank.Pages;

/// <summary>
/// The author's home (a centre's tutor, an awarding body's author): the units they may read and their depth, and the
/// upload that checks (and imports) items into the banks they write.
/// </summary>
[Authorize(Policy = Policies.Author)]
[RequestSizeLimit(TutorUpload.MaximumUploadBytes + 64 * 1024)]
public sealed class TutorHomeModel(IQuerySession session, TutorUpload upload, ItemBankLocation location) : PageModel
{
    public IReadOnlyList<Unit> Units { get; private set; } = [];

    public IReadOnlyList<string> UnitFolders => location.UnitFolders();

    public UploadOutcome? Outcome { get; private set; }

    /// <summary>The banks this person writes, as (owner id, name): a new unit goes to the one chosen.</summary>
    public IReadOnlyList<(string Id, string Name)> Owners { get; private set; } = [];

    public async Task OnGetAsync() => await ListAsync();

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? unitFolder, string? mode, string? owner)
    {
        if (file is null || file.Length == 0)
        {
            Outcome = new UploadOutcome([], 0, null, "Choose a file to check.");
        }
        else if (file.Length > TutorUpload.MaximumUploadBytes)
        {
            Outcome = new UploadOutcome([], 0, null, $"The file is larger than {TutorUpload.MaximumUploadBytes / 1024 / 1024} MB.");
        }
        else
        {
            try
            {
                await using var stream = file.OpenReadStream();
                Outcome = await upload.HandleAsync(file.FileName, stream, unitFolder, mode == "import", ImportRights.For(User, owner), User.Actor(), HttpContext.RequestAborted);
            }
            catch (RefusedException refused) // shown as the upload's outcome, beside the lint's findings
            {
                Outcome = new UploadOutcome([], 0, null, refused.Message);
            }
        }

        if (Outcome.HasErrors)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await ListAsync();
        return Page();
    }

    private async Task ListAsync()
    {
        var access = await BankAccess.ForAsync(session, User, HttpContext.RequestAborted);
        Units = await session.UnitsAsync(access.MayRead, HttpContext.RequestAborted);
        var centres = await session.WhereAsync(User, Role.Tutor, HttpContext.RequestAborted);
        Owners = access.Owners.Select(id => (id, BankOwners.Describe(id, centres))).ToList();
    }
}
