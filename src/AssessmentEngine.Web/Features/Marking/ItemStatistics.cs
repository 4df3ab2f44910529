using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Features.Marking;

/// <summary>Computes <see cref="ItemStatistic"/> from submitted attempts.</summary>
public sealed class ItemStatistics : IItemStatistics
{
    public static IReadOnlyList<ItemStatistic> Of(IEnumerable<(Attempt Attempt, IReadOnlyDictionary<string, Item> Items)> attempts)
    {
        var tallies = new Dictionary<string, ItemTally>(StringComparer.Ordinal);
        foreach (var (attempt, items) in attempts)
        {
            var marks = attempt.Form!.Items.Select(f => (f.ItemId, Mark: AttemptResult.MarkOf(attempt, f.ItemId))).ToList();
            var total = marks.Sum(m => m.Mark ?? 0);
            foreach (var (itemId, mark) in marks)
            {
                (tallies.TryGetValue(itemId, out var tally) ? tally : tallies[itemId] = new ItemTally(items[itemId].Marks)).Add(mark, total - (mark ?? 0));
            }
        }

        return tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new ItemStatistic(t.Key, t.Value.Exposure, t.Value.Marked,
            t.Value.Marked >= ItemStatistic.Enough ? (double?)t.Value.Facility : null,
            t.Value.Marked >= ItemStatistic.Enough ? (double?)t.Value.Discrimination : null)).ToList();
    }

    /// <summary>The statistics of a unit's items from its submitted (not voided) attempts.</summary>
    public async Task<IReadOnlyList<ItemStatistic>> ForUnitAsync(IQuerySession session, string unitCode, CancellationToken cancellationToken)
    {
        var attempts = await session.Query<Attempt>().Where(a => a.UnitCode == unitCode && a.Status == AttemptStatus.Submitted).ToListAsync(cancellationToken);
        var withItems = new List<(Attempt, IReadOnlyDictionary<string, Item>)>();
        foreach (var attempt in attempts)
        {
            withItems.Add((attempt, await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken)));
        }

        return Of(withItems);
    }
}

/// <summary>
/// The running sums behind an item's statistics, kept as attempts go by (one pass, constant memory: the moderation
/// workbook tallies 100,000 attempts this way). Facility: the mean mark over the marks available. Discrimination: the
/// point-biserial (Pearson) correlation of the item's mark with the rest of the attempt's marks; null when either does not vary.
/// </summary>
public sealed class ItemTally(int marksAvailable)
{
    private double _x;
    private double _xx;
    private double _y;
    private double _yy;
    private double _xy;

    public int Exposure { get; private set; }

    public int Marked { get; private set; }

    public decimal? MeanMark => Marked == 0 ? null : (decimal)(_x / Marked);

    public decimal? Facility => Marked == 0 || marksAvailable == 0 ? null : Math.Round((decimal)(_x / Marked / marksAvailable), 3);

    public decimal? Discrimination
    {
        get
        {
            var varianceX = (Marked * _xx) - (_x * _x);
            var varianceY = (Marked * _yy) - (_y * _y);
            return Marked < 2 || varianceX <= 1e-12 || varianceY <= 1e-12
                ? null
                : Math.Round((decimal)(((Marked * _xy) - (_x * _y)) / Math.Sqrt(varianceX * varianceY)), 3);
        }
    }

    /// <summary>One use of the item: its mark (null while not yet marked) and the rest of that attempt's marks.</summary>
    public void Add(decimal? mark, decimal rest)
    {
        Exposure++;
        if (mark is not { } m)
        {
            return;
        }

        var x = (double)m;
        var y = (double)rest;
        Marked++;
        _x += x;
        _xx += x * x;
        _y += y;
        _yy += y * y;
        _xy += x * y;
    }
}
