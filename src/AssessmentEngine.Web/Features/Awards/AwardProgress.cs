using AssessmentEngine.ItemBank;

namespace AssessmentEngine.Web.Features.Awards;

/// <summary>A theme of an optional group: the units achieved and under way from it, and how many more it needs.</summary>
public sealed record ThemeProgress(QualificationTheme Theme, IReadOnlyList<string> Achieved, IReadOnlyList<string> InProgress)
{
    public int Short => Math.Max(0, Theme.AtLeast - Achieved.Count);
}

/// <summary>
/// One group of the rules: the units achieved and under way, those a mandatory group still lacks, its themes, the credit
/// achieved, how many more units it needs, and in words what is still needed (null once the group is met).
/// </summary>
public sealed record GroupProgress(QualificationGroup Group, IReadOnlyList<string> Achieved, IReadOnlyList<string> InProgress, IReadOnlyList<string> Missing,
    IReadOnlyList<ThemeProgress> Themes, int Credits, int UnitsShort, int CreditsShort, string? StillNeeded)
{
    public bool Met => StillNeeded is null;
}

/// <summary>A candidate's progress toward a qualification: each group's, the credit achieved, and whether the rules are met.</summary>
public sealed record AwardProgress(Qualification Qualification, IReadOnlyList<GroupProgress> Groups, int Credits, int CreditsShort)
{
    /// <summary>Every group met and, where the qualification asks for it, enough credit: the award may be claimed.</summary>
    public bool Met => Groups.All(group => group.Met) && CreditsShort == 0;

    /// <summary>The units of the qualification achieved, in the order its groups list them.</summary>
    public IReadOnlyList<string> Achieved => Groups.SelectMany(group => group.Achieved).ToList();

    /// <summary>How many units the rules ask for in all (a group's themes may together ask for more than it chooses).</summary>
    public int UnitsNeeded => Groups.Sum(group => Math.Max(group.Group.Required, group.Group.Themes.Sum(theme => theme.AtLeast)));

    /// <summary>What is still needed, a sentence per group (and one for credit), empty when met.</summary>
    public IReadOnlyList<string> StillNeeded =>
        [.. Groups.Select(group => group.StillNeeded).OfType<string>(), .. CreditsShort > 0 ? [$"{CreditsShort} more credits in all"] : Array.Empty<string>()];

    /// <summary>
    /// The progress of a candidate who has achieved <paramref name="achieved"/> and is working on <paramref name="inProgress"/>
    /// (unit codes; units outside the qualification are ignored). A unit counts toward the one group that lists it.
    /// </summary>
    public static AwardProgress Of(Qualification qualification, IReadOnlySet<string> achieved, IReadOnlySet<string> inProgress)
    {
        var groups = qualification.Groups.Select(group => GroupOf(qualification, group, achieved, inProgress)).ToList();
        var credits = qualification.Units.Where(achieved.Contains).Sum(qualification.CreditOf);
        return new AwardProgress(qualification, groups, credits, Math.Max(0, (qualification.MinCredits ?? 0) - credits));
    }

    private static GroupProgress GroupOf(Qualification qualification, QualificationGroup group, IReadOnlySet<string> achieved, IReadOnlySet<string> inProgress)
    {
        var units = group.AllUnits;
        var done = units.Where(achieved.Contains).ToList();
        var underway = units.Where(unit => !achieved.Contains(unit) && inProgress.Contains(unit)).ToList();
        var themes = group.Themes.Select(theme => new ThemeProgress(theme, theme.Units.Where(achieved.Contains).ToList(),
            theme.Units.Where(unit => !achieved.Contains(unit) && inProgress.Contains(unit)).ToList())).ToList();
        var credits = done.Sum(qualification.CreditOf);
        var creditsShort = Math.Max(0, (group.MinCredits ?? 0) - credits);
        var creditNeeds = new List<string>();
        if (creditsShort > 0)
        {
            creditNeeds.Add($"{creditsShort} more credits from {group.Name}");
        }

        if (group.MinCreditsAtLevel is { } atLevel
            && atLevel.Credits - done.Where(unit => qualification.Levels.GetValueOrDefault(unit) == atLevel.Level).Sum(qualification.CreditOf) is var levelShort and > 0)
        {
            creditNeeds.Add($"{levelShort} more credits at level {atLevel.Level} from {group.Name}");
        }

        if (group.Mandatory)
        {
            var missing = units.Where(unit => !achieved.Contains(unit)).ToList();
            var needs = missing.Count == 0 ? creditNeeds : [$"{Count(missing.Count, $"more {Adjective(group)} unit")}: {string.Join(", ", missing)}"];
            return new GroupProgress(group, done, underway, missing, themes, credits, missing.Count, creditsShort, needs.Count == 0 ? null : string.Join(", ", needs));
        }

        // Each theme's shortfall must be made up from that theme; the group's count may be made up from any of its units.
        var fromThemes = themes.Where(theme => theme.Short > 0).ToList();
        var unitsShort = Math.Max(group.Required - done.Count, fromThemes.Sum(theme => theme.Short));
        var parts = new List<string>();
        if (unitsShort > 0)
        {
            parts.Add(Count(unitsShort, $"more {Adjective(group)} unit"));
        }

        if (fromThemes.Count > 0)
        {
            parts.Add("at least " + And(fromThemes.Select(theme => $"{Number(theme.Short)} from {theme.Theme.Name}").ToList()));
        }

        parts.AddRange(creditNeeds);
        return new GroupProgress(group, done, underway, [], themes, credits, unitsShort, creditsShort, parts.Count == 0 ? null : string.Join(", ", parts));
    }

    /// <summary>"optional" for a group named Optional; "Group B" stays as it is ("2 more Group B units").</summary>
    private static string Adjective(QualificationGroup group) =>
        group.Name is "Mandatory" or "Optional" ? group.Name.ToLowerInvariant() : group.Name;

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Number(int n) => n switch
    {
        1 => "one", 2 => "two", 3 => "three", 4 => "four", 5 => "five", 6 => "six", 7 => "seven", 8 => "eight", 9 => "nine", 10 => "ten",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string And(List<string> parts) =>
        parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}";
}
