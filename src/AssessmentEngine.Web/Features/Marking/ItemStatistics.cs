using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using Marten;

namespace AssessmentEngine.Web.Features.Marking;

/// <summary>
/// How an item behaved in submitted attempts: how often it was used (exposure), how easy it was (facility: mean mark as
/// a share of its marks) and how well it separated stronger candidates from weaker ones (discrimination: the correlation
/// between its score and the rest of the test's — the point-biserial for items scored right or wrong). Null where too few
/// marked uses say anything.
/// </summary>
public sealed record ItemStatistic(string ItemId, int Uses, int Marked, double? Facility, double? Discrimination)
{
    public const int Enough = 5;

    /// <summary>A word for authors when the figures suggest a look: too easy, too hard, or not telling candidates apart.</summary>
    public string? Concern => (Facility, Discrimination) switch
    {
        ({ } f, _) when f > 0.95 => "very easy",
        ({ } f, _) when f < 0.2 => "very hard",
        (_, { } d) when d < 0.1 => "does not discriminate",
        _ => null,
    };

    public static IReadOnlyList<ItemStatistic> Of(IEnumerable<(Attempt Attempt, IReadOnlyDictionary<string, Item> Items)> attempts)
    {
        var scores = new Dictionary<string, List<(double Item, double Others)>>(StringComparer.Ordinal);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (attempt, items) in attempts)
        {
            var marks = attempt.Form!.Items.Select(f => (f.ItemId, Mark: AttemptResult.MarkOf(attempt, f.ItemId), Max: items[f.ItemId].Marks)).ToList();
            var total = marks.Sum(m => (double)(m.Mark ?? 0));
            foreach (var (itemId, mark, max) in marks)
            {
                uses[itemId] = uses.GetValueOrDefault(itemId) + 1;
                if (mark is { } m && max > 0)
                {
                    (scores.TryGetValue(itemId, out var list) ? list : scores[itemId] = []).Add(((double)m / max, total - (double)m));
                }
            }
        }

        return uses.Keys.Order(StringComparer.Ordinal).Select(id =>
        {
            var marked = scores.GetValueOrDefault(id) ?? [];
            return new ItemStatistic(id, uses[id], marked.Count,
                marked.Count >= Enough ? marked.Average(s => s.Item) : null,
                marked.Count >= Enough ? Correlation(marked) : null);
        }).ToList();
    }

    /// <summary>Pearson's r; null when either side does not vary (everyone scored the same).</summary>
    private static double? Correlation(List<(double X, double Y)> pairs)
    {
        var mx = pairs.Average(p => p.X);
        var my = pairs.Average(p => p.Y);
        var sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxx <= 0 || syy <= 0 ? null : Math.Round(sxy / Math.Sqrt(sxx * syy), 3);
    }

    /// <summary>The statistics of a unit's items from its submitted (not voided) attempts.</summary>
    public static async Task<IReadOnlyList<ItemStatistic>> ForUnitAsync(IQuerySession session, string unitCode, CancellationToken cancellationToken)
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
