using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Moderation.Requesting;

/// <summary>
/// Asks for a moderation export: records the request (and its audit event) and enqueues <see cref="ExportMarksJob"/>,
/// which does the work; the days are the centre's, both included.
/// </summary>
public sealed class RequestExport(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time)
{
    public const int MaxDays = 366;

    public async Task<MarksExport> HandleAsync(Guid centreId, string? unitCode, DateOnly? from, DateOnly? to, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var unit = string.IsNullOrWhiteSpace(unitCode) ? null : unitCode.Trim();
        if (unit is not null && await session.LoadAsync<BankUnit>(unit, cancellationToken) is null)
        {
            throw new RefusedException(RefusalKind.NotFound, $"There is no unit {unit}.");
        }

        if (from is not { } first || to is not { } last)
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the first and the last day of the attempts to export.");
        }

        if (last < first)
        {
            throw new RefusedException(RefusalKind.Invalid, "The last day comes before the first.");
        }

        if (last.DayNumber - first.DayNumber >= MaxDays)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Export at most {MaxDays} days at a time.");
        }

        var now = time.GetUtcNow();
        var export = new MarksExport(Guid.CreateVersion7(), centre.Id, unit, first, last, acting.Actor, now, Nightly: false);
        session.Store(export);
        Audit.Record(session, new ExportRequested(export.Id, centre.Id, export.Describe(), acting.Actor, acting.SourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        jobs.Enqueue<ExportMarksJob>(job => job.RunAsync(export.Id, CancellationToken.None));
        return export;
    }
}
