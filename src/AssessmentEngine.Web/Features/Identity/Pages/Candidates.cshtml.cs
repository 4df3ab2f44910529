using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[Authorize(Policy = Policies.Admin)]
[RequestSizeLimit(CandidateFileReader.MaximumBytes + 64 * 1024)]
public sealed class CandidatesModel(CentreRegistry registry, IQuerySession session, TimeProvider time) : PageModel
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<Candidate> Candidates { get; private set; } = [];

    public IReadOnlyList<RowError> Errors { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        await Load(centreId);
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(Guid centreId, IFormFile? file)
    {
        if (file is null || file.Length == 0)
        {
            return await Show(centreId, [new RowError(0, "Choose a CSV or .xlsx file to upload.")]);
        }

        var registered = await registry.RegisteredNumbersAsync(centreId, HttpContext.RequestAborted);
        await using var stream = file.OpenReadStream();
        var parsed = CandidateFileReader.Read(stream, file.FileName, registered, DateOnly.FromDateTime(time.GetLocalNow().Date));
        if (!parsed.IsValid)
        {
            return await Show(centreId, parsed.Errors);
        }

        return await Register(centreId, parsed.Rows, $"the file {Path.GetFileName(file.FileName)}");
    }

    public async Task<IActionResult> OnPostAddAsync(Guid centreId, string? number, string? firstName, string? lastName, string? dateOfBirth)
    {
        var registered = await registry.RegisteredNumbersAsync(centreId, HttpContext.RequestAborted);
        string[][] table =
        [
            [.. CandidateFileReader.RequiredColumns],
            [number ?? "", firstName ?? "", lastName ?? "", dateOfBirth ?? ""],
        ];
        var parsed = CandidateFileReader.Validate(table, registered, DateOnly.FromDateTime(time.GetLocalNow().Date));
        if (!parsed.IsValid)
        {
            return await Show(centreId, parsed.Errors.Select(e => e with { RowNumber = 0 }).ToList());
        }

        return await Register(centreId, parsed.Rows, "the admin page");
    }

    private async Task<IActionResult> Register(Guid centreId, IReadOnlyList<CandidateRow> rows, string from)
    {
        try
        {
            var registered = await registry.RegisterCandidatesAsync(centreId, rows, from, new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
            Message = $"Registered {registered.Count} candidate(s).";
            return await Show(centreId, []);
        }
        catch (RefusedException refused) // shown as a row error beside the file's, not as the page's problem
        {
            return await Show(centreId, [new RowError(0, refused.Message)]);
        }
    }

    private async Task<IActionResult> Show(Guid centreId, IReadOnlyList<RowError> errors)
    {
        Errors = errors;
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await Load(centreId);
        return Page();
    }

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Candidates = await session.Query<Candidate>().Where(c => c.CentreId == centreId).OrderBy(c => c.CandidateNumber).ToListAsync(HttpContext.RequestAborted);
    }
}
