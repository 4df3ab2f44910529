using AssessmentEngine.Web.Features.Enrolments;

namespace AssessmentEngine.Web.Tests.Enrolments;

public sealed class WindowCalendarTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    [Fact]
    public void A_window_agreed_on_1_March_2027_closes_at_the_end_of_11_April_2027_London_time_across_the_clock_change()
    {
        var window = WindowCalendar.For(new DateOnly(2027, 3, 1), 6, London);

        Assert.Equal(DateTimeOffset.Parse("2027-03-01T00:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), window.Opens);
        // British Summer Time began on 28 March 2027: 23:59:59 BST is 22:59:59 UTC.
        Assert.Equal(DateTimeOffset.Parse("2027-04-11T22:59:59+00:00", System.Globalization.CultureInfo.InvariantCulture), window.Closes.ToUniversalTime());
        Assert.Equal(new DateTime(2027, 4, 11, 23, 59, 59), TimeZoneInfo.ConvertTime(window.Closes, London).DateTime);
    }

    [Fact]
    public void A_window_across_the_October_clock_change_closes_at_23_59_59_GMT()
    {
        var window = WindowCalendar.For(new DateOnly(2027, 10, 4), 6, London);
        Assert.Equal(DateTimeOffset.Parse("2027-11-14T23:59:59+00:00", System.Globalization.CultureInfo.InvariantCulture), window.Closes.ToUniversalTime());
    }

    [Fact]
    public void Every_start_date_of_two_years_gives_exactly_six_calendar_weeks_ending_at_23_59_59_local()
    {
        for (var start = new DateOnly(2026, 1, 1); start < new DateOnly(2028, 1, 1); start = start.AddDays(1))
        {
            var window = WindowCalendar.For(start, 6, London);
            var opens = TimeZoneInfo.ConvertTime(window.Opens, London);
            var closes = TimeZoneInfo.ConvertTime(window.Closes, London);
            Assert.Equal(start.ToDateTime(TimeOnly.MinValue), opens.DateTime);
            Assert.Equal(start.AddDays(41).ToDateTime(new TimeOnly(23, 59, 59)), closes.DateTime);
        }
    }
}
