using System.Globalization;

namespace AssessmentEngine.Web.Features.Reports;

/// <summary>One part of a unit's bar: where it starts, how wide it is, and the number it is labelled with.</summary>
public sealed record BarSegment(Standing Standing, int Count, double X, double Width)
{
    public string Label => Count.ToString(CultureInfo.InvariantCulture);

    public double Middle => X + Width / 2;
}

/// <summary>A unit's stacked bar, with its place in the chart.</summary>
public sealed record UnitBar(UnitStandings Unit, double Top, IReadOnlyList<BarSegment> Segments);

/// <summary>
/// The geometry of the status chart, drawn on the server as SVG: a bar per unit, its candidates split by where they stand,
/// each part labelled with its number. A part is never narrower than its number needs, so every count can be read on the bar
/// itself; the table beside the chart has the exact figures.
/// </summary>
public sealed record StatusChart(IReadOnlyList<UnitBar> Bars, double Height)
{
    public const double Width = 600;
    public const double RowHeight = 64;
    public const double BarHeight = 28;
    public const double BarOffset = 22;
    private const double Gap = 2;

    public static StatusChart For(IReadOnlyList<UnitStandings> units) =>
        new([.. units.Select((u, i) => new UnitBar(u, i * RowHeight, Segments(u)))], Math.Max(1, units.Count) * RowHeight);

    public static IReadOnlyList<BarSegment> Segments(UnitStandings unit)
    {
        var parts = Standings.All.Where(s => unit[s] > 0).Select(s => (Standing: s, Count: unit[s])).ToList();
        if (parts.Count == 0)
        {
            return [];
        }

        var available = Width - Gap * (parts.Count - 1);
        static double Least(int count) => 10 + 9 * count.ToString(CultureInfo.InvariantCulture).Length;

        // Proportional widths, then the parts too narrow for their number get what it needs and the others share the rest in
        // proportion, until no part is too narrow.
        var widths = new double[parts.Count];
        var fixedParts = new bool[parts.Count];
        while (true)
        {
            var free = available - Enumerable.Range(0, parts.Count).Where(i => fixedParts[i]).Sum(i => Least(parts[i].Count));
            var freeCount = Enumerable.Range(0, parts.Count).Where(i => !fixedParts[i]).Sum(i => parts[i].Count);
            var changed = false;
            for (var i = 0; i < parts.Count; i++)
            {
                widths[i] = fixedParts[i] || freeCount == 0 ? Least(parts[i].Count) : free * parts[i].Count / freeCount;
                if (!fixedParts[i] && widths[i] < Least(parts[i].Count))
                {
                    fixedParts[i] = changed = true;
                }
            }

            if (!changed)
            {
                break;
            }
        }

        var segments = new List<BarSegment>(parts.Count);
        var x = 0.0;
        for (var i = 0; i < parts.Count; i++)
        {
            segments.Add(new BarSegment(parts[i].Standing, parts[i].Count, Math.Round(x, 1), Math.Round(widths[i], 1)));
            x += widths[i] + Gap;
        }

        return segments;
    }

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
