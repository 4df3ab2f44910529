using System.Globalization;
using AssessmentEngine.Web.Features.Reports;
using FsCheck;
using FsCheck.Xunit;

namespace AssessmentEngine.Web.Tests.Reports;

/// <summary>The status chart's bars: every count on its bar, readable, in order, inside the chart.</summary>
public sealed class StatusChartTests
{
    private static UnitStandings Unit(params int[] counts) =>
        new("FE6V 35", "", Standings.All.Zip(counts).Where(p => p.Second > 0).ToDictionary(p => p.First, p => p.Second));

    [Fact]
    public void Parts_are_in_proportion_when_every_number_fits()
    {
        var segments = StatusChart.Segments(Unit(100, 100, 0, 0, 0, 0, 0, 200));
        Assert.Equal([Standing.NotStarted, Standing.InProgress, Standing.ReleasedNotYetCompetent], segments.Select(s => s.Standing));
        Assert.Equal(segments[0].Width, segments[1].Width, 1);
        Assert.Equal(segments[0].Width * 2, segments[2].Width, 0);
    }

    [Fact]
    public void A_part_of_one_among_two_thousand_is_still_wide_enough_for_its_number()
    {
        var segments = StatusChart.Segments(Unit(1999, 0, 1));
        Assert.True(segments[1].Width >= 19, $"the part for 1 is {segments[1].Width} wide");
        Assert.Equal("1", segments[1].Label);
    }

    [Property(MaxTest = 300)]
    public bool Every_count_gets_a_part_that_fits_its_number_inside_the_chart(NonNegativeInt[] raw)
    {
        var counts = raw.Take(Standings.All.Count).Select(n => n.Get % 2500).ToArray();
        var segments = StatusChart.Segments(Unit(counts));
        var nonZero = counts.Count(c => c > 0);
        return segments.Count == nonZero
            && segments.All(s => s.Width >= 10 + 9 * s.Count.ToString(CultureInfo.InvariantCulture).Length - 0.1)
            && segments.Zip(segments.Skip(1)).All(p => p.First.X + p.First.Width <= p.Second.X)
            && (segments.Count == 0 || segments[^1].X + segments[^1].Width <= StatusChart.Width + 0.5);
    }

    [Fact]
    public void The_numbers_in_words_name_every_part_that_is_not_empty()
    {
        Assert.Equal("FE6V 35, 3 candidates: 2 not started, 1 released competent.", Unit(2, 0, 0, 0, 0, 0, 1).InWords());
    }
}
