namespace AssessmentEngine.ItemBank;

/// <summary>One statement's depth: its items and marks, and how many items the unit's blueprints need it to have.</summary>
public sealed record StatementCoverage(string Reference, string Text, int Outcome, bool Online, int Items, int Marks, int Needed, bool BelowDepth);

/// <summary>Per statement coverage of a unit's bank against the depth its blueprints need.</summary>
public static class Coverage
{
    public static IReadOnlyList<StatementCoverage> For(Unit unit) => For(unit, DateOnly.FromDateTime(DateTime.UtcNow));

    /// <summary>
    /// Needed: a blueprint section drawing n items per form from an outcome over o occasions uses n × o distinct items,
    /// spread over the outcome's online statements; and every statement should be testable on every occasion, so no
    /// online statement of a sampled outcome needs fewer than o items. A statement no blueprint samples needs none (lint still warns when it has no items).
    /// </summary>
    public static IReadOnlyList<StatementCoverage> For(Unit unit, DateOnly today)
    {
        var current = unit.Items.Where(item => item.IsCurrentOn(today)).ToList();
        var needed = NeededPerStatement(unit, current);
        return unit.Statements.Select(statement =>
        {
            var items = current.Where(item => item.Statements.Contains(statement.Reference)).ToList();
            var need = statement.Online ? needed.GetValueOrDefault(statement.Reference) : 0;
            return new StatementCoverage(statement.Reference, statement.Text, statement.Outcome, statement.Online,
                items.Count, items.Sum(item => item.Marks), need, statement.Online && items.Count < need);
        }).ToList();
    }

    private static Dictionary<string, int> NeededPerStatement(Unit unit, IReadOnlyList<Item> current)
    {
        var needed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var blueprint in unit.Blueprints)
        {
            var share = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var section in blueprint.Sections)
            {
                var statements = unit.Outcomes.Where(outcome => outcome.Number == section.Outcome)
                    .SelectMany(outcome => outcome.Statements).Where(statement => statement.Online).ToList();
                if (statements.Count == 0)
                {
                    continue;
                }

                var perForm = section.Items ?? ItemsForMarks(section, unit, current);
                foreach (var statement in statements)
                {
                    share[statement.Reference] = share.GetValueOrDefault(statement.Reference) + (double)perForm * blueprint.Occasions / statements.Count;
                }
            }

            foreach (var (reference, items) in share)
            {
                var depth = Math.Max(blueprint.Occasions, (int)Math.Ceiling(items - 1e-9));
                needed[reference] = Math.Max(needed.GetValueOrDefault(reference), depth);
            }
        }

        return needed;
    }

    // A marks section's item count depends on which items are drawn; estimate with the mean marks of its eligible items.
    private static int ItemsForMarks(BlueprintSection section, Unit unit, IReadOnlyList<Item> current)
    {
        var eligible = current.Where(item => section.Accepts(item, unit)).ToList();
        var mean = eligible.Count == 0 ? 1.0 : eligible.Average(item => item.Marks);
        return Math.Max(1, (int)Math.Ceiling(section.Marks!.Value / mean));
    }
}
