using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Features.Moderation.Listing;

/// <summary>A centre's moderation exports as its verifiers see them: the latest hundred, newest first, with the centre's day and times.</summary>
public sealed class CentreExports(IDocumentStore store, TimeProvider time)
{
    public async Task<IReadOnlyList<MarksExport>> HandleAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<MarksExport>().Where(e => e.CentreId == centreId).OrderByDescending(e => e.RequestedAt).Take(100).ToListAsync(cancellationToken);
    }

    /// <summary>The centre's day today, for the form's defaults.</summary>
    public DateOnly Today(Centre centre) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), centre.Zone).DateTime);

    /// <summary>Shown to people: the time in the centre's zone.</summary>
    public static string Show(DateTimeOffset at, Centre centre) => CentreTime.Show(at, centre.Zone);
}
