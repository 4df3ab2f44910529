using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ItemBank.Pages;

/// <summary>The tutor's home: the imported units and their depth, and the upload that checks (and imports) items.</summary>
[Authorize(Policy = Policies.Tutor)]
[RequestSizeLimit(TutorUpload.MaximumUploadBytes + 64 * 1024)]
public sealed class TutorHomeModel(IQuerySession session, TutorUpload upload, ItemBankLocation location) : PageModel
{
    public IReadOnlyList<Unit> Units { get; private set; } = [];

    public IReadOnlyList<string> UnitFolders => location.UnitFolders();

    public UploadOutcome? Outcome { get; private set; }

    public async Task OnGetAsync() => Units = await session.UnitsAsync(HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? unitFolder, string? mode)
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
                Outcome = await upload.HandleAsync(file.FileName, stream, unitFolder, mode == "import", User.Actor(), HttpContext.RequestAborted);
            }
            catch (ImportRefusedException refused)
            {
                Outcome = new UploadOutcome([], 0, null, refused.Message);
            }
        }

        if (Outcome.HasErrors)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Units = await session.UnitsAsync(HttpContext.RequestAborted);
        return Page();
    }
}
