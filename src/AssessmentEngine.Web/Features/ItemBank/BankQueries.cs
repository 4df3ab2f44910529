using AssessmentEngine.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>The imported bank as the library's units, so that coverage and previews use the same code as lint.</summary>
public static class BankQueries
{
    /// <summary>The units <paramref name="include"/> keeps (a centre's offered units, a reader's units), with their live items.</summary>
    public static async Task<IReadOnlyList<Unit>> UnitsAsync(this IQuerySession session, Func<BankUnit, bool> include, CancellationToken cancellationToken)
    {
        var units = (await session.Query<BankUnit>().OrderBy(u => u.Id).ToListAsync(cancellationToken)).Where(include).ToList();
        var codes = units.Select(u => u.Id).ToArray();
        var items = codes.Length == 0 ? [] : await session.Query<BankItem>().Where(i => !i.Retired && i.UnitCode.IsOneOf(codes)).ToListAsync(cancellationToken);
        var byUnit = items.ToLookup(i => i.UnitCode);
        return units.Select(u => AsUnit(u, byUnit[u.Id])).ToList();
    }

    public static async Task<Unit?> UnitAsync(this IQuerySession session, string code, CancellationToken cancellationToken)
    {
        var unit = await session.LoadAsync<BankUnit>(code, cancellationToken);
        if (unit is null)
        {
            return null;
        }

        var items = await session.Query<BankItem>().Where(i => i.UnitCode == code && !i.Retired).ToListAsync(cancellationToken);
        return AsUnit(unit, items);
    }

    private static Unit AsUnit(BankUnit unit, IEnumerable<BankItem> items) =>
        new(unit.Folder, unit.Id, unit.Title, unit.AwardingBody, unit.Level, unit.Aliases, unit.Policy, unit.Outcomes,
            items.Select(i => i.Content).OrderBy(i => i.Id, StringComparer.Ordinal).ToList(), unit.Blueprints)
        {
            Methods = unit.Methods ?? [],
            Briefs = unit.Briefs ?? [],
        };
}
