using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>A stored export, streamed from the database: the workbook, or with ?format=csv the Marks sheet as CSV. Each download is audited.</summary>
[Authorize(Policy = Policies.Moderator)]
public sealed class ExportDownloadModel(IDocumentStore store, ExportFiles files, TimeProvider time) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid centreId, Guid exportId, string? format)
    {
        var csv = format == "csv";
        await using var session = store.LightweightSession();
        var export = await session.LoadAsync<MarksExport>(exportId, HttpContext.RequestAborted);
        if (export is null || export.CentreId != centreId || export.Status != ExportStatus.Ready)
        {
            return NotFound();
        }

        var centre = (await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted))!;
        Audit.Record(session, new ExportDownloaded(export.Id, centreId, export.Describe(), csv ? "CSV" : "xlsx", User.Actor(), HttpContext.SourceAddress(), time.GetUtcNow()));
        await session.SaveChangesAsync(HttpContext.RequestAborted);

        Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        Response.ContentLength = csv ? export.CsvBytes : export.XlsxBytes;
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = export.FileName(centre.Number, csv ? "csv" : "xlsx"),
        }.ToString();
        await files.CopyToAsync(export.Id, csv ? ExportMarksJob.Csv : ExportMarksJob.Xlsx, Response.Body, HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
