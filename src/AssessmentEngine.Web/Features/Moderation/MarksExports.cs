using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>Asking for moderation exports and listing them; the work is done by <see cref="ExportMarksJob"/>.</summary>
public sealed class MarksExports(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time)
{
    public const int MaxDays = 366;

    /// <summary>Records the request (and its audit event) and enqueues the job; the days are the centre's, both included.</summary>
    public async Task<MarksExport> RequestAsync(Guid centreId, string? unitCode, DateOnly? from, DateOnly? to, Acting acting, CancellationToken cancellationToken = default)
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

    public async Task<IReadOnlyList<MarksExport>> ListAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<MarksExport>().Where(e => e.CentreId == centreId).OrderByDescending(e => e.RequestedAt).Take(100).ToListAsync(cancellationToken);
    }

    /// <summary>The centre's day today, for the form's defaults.</summary>
    public DateOnly Today(Centre centre) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), centre.Zone).DateTime);

    /// <summary>Shown to people: the time in the centre's zone.</summary>
    public static string Show(DateTimeOffset at, Centre centre) => CentreTime.Show(at, centre.Zone);
}

public static class ModerationSetup
{
    public static IServiceCollection AddModeration(this IServiceCollection services)
    {
        services.AddSingleton<ExportFiles>();
        services.AddScoped<MarksExports>();
        services.AddScoped<ExportMarksJob>();
        return services;
    }
}
