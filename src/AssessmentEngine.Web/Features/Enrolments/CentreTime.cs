using System.Globalization;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Enrolments;

/// <summary>Times as a centre's staff read and write them: in the centre's own time zone.</summary>
public static class CentreTime
{
    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    public static string Show(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy HH:mm", British);

    public static DateTimeOffset FromLocal(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time);
        if (zone.IsInvalidTime(local))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{local:HH:mm} on {day:d MMM yyyy} does not exist in {zone.Id} (the clocks go forward then).");
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
