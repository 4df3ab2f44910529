namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>
/// How an item behaved in submitted attempts: how often it was used (exposure), how easy it was (facility: mean mark as
/// a share of its marks) and how well it separated stronger candidates from weaker ones (discrimination: the correlation
/// between its score and the rest of the test's — the point-biserial for items scored right or wrong). Null where too few
/// marked uses say anything. Marking computes them (<see cref="IItemStatistics"/>); the bank's pages show them.
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
}

/// <summary>The statistics of a unit's items from its submitted attempts; marking answers it, since marking uses the bank.</summary>
public interface IItemStatistics
{
    Task<IReadOnlyList<ItemStatistic>> ForUnitAsync(Marten.IQuerySession session, string unitCode, CancellationToken cancellationToken);
}
