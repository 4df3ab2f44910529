using YamlDotNet.RepresentationModel;

namespace AssessmentEngine.ItemBank;

/// <summary>
/// Parses and lints a qualification (itembank/qualifications/&lt;name&gt;.md): front matter with the qualification's code,
/// title, awarding body, level, the specification lines it follows, credit values where the specification gives them, and its
/// groups (mandatory: every unit; optional: choose N, by theme with a minimum each); then a short description in Markdown.
/// Every unit named must be a unit of the bank loaded with it, and named once; a rule no set of units could meet is refused.
/// </summary>
internal static class QualificationParser
{
    private static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["qualification", "title", "awarding_body", "level", "seed", "credits", "min_credits", "outside_bank", "groups"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> KnownGroupKeys = new HashSet<string>(["name", "choose", "min_credits", "min_credits_at_level", "units", "themes"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> KnownThemeKeys = new HashSet<string>(["name", "at_least", "units"], StringComparer.Ordinal);

    /// <summary>The qualification, or null after reporting why not. <paramref name="units"/>: the bank's units by code.</summary>
    public static Qualification? Parse(SourceText source, FileReport report, IReadOnlyDictionary<string, Unit> units)
    {
        var front = YamlFrontMatter.Read(source.Text, report, "a qualification");
        if (front is null)
        {
            return null;
        }

        front.WarnAboutUnknownKeys(KnownKeys, report);
        var code = front.RequiredText("qualification", report, "the awarding body's qualification code, e.g. qualification: G8NN 24", out _);
        var title = front.RequiredText("title", report, "the qualification's title", out _);
        var awardingBody = front.RequiredText("awarding_body", report, "e.g. awarding_body: SQA", out _);
        var level = front.RequiredText("level", report, "e.g. level: SVQ 4", out _);
        var seed = front.RequiredText("seed", report, "the specification lines that state the rules of combination, e.g. seed: \"001_0c76c81b3811bed7.txt:575-610\"", out var seedLine);
        if (seed is not null && !AssessmentMethod.IsSeedCitation(seed))
        {
            report.Error(seedLine, $"seed must cite the specification as file:line or file:first-last, not '{seed}'");
        }

        var credits = ReadCredits(front, report);
        var minCredits = PositiveNumber(front, "min_credits", report);
        var outside = ReadOutsideBank(front, report, units);
        var levels = units.Values.Select(unit => (unit.Code, Level: LevelNumber(unit.Level))).Where(unit => unit.Level is not null)
            .Concat(outside.Select(entry => (Code: entry.Key, Level: (int?)entry.Value.Level))).ToDictionary(unit => unit.Code, unit => unit.Level!.Value, StringComparer.Ordinal);
        var context = new Context(report, units, credits, new Dictionary<string, (string Group, int Line)>(StringComparer.Ordinal), outside, levels);
        var groups = ReadGroups(front, context);

        foreach (var (unit, line) in credits.Lines.Where(entry => !context.Named.ContainsKey(entry.Key)))
        {
            report.Error(line, $"credits names unit '{unit}', which no group of the qualification lists");
        }

        if (minCredits is { } needed && groups is not null)
        {
            CheckCredits(context, context.Named.Keys, needed, "the qualification", front.TryGet("min_credits", out _, out var line) ? line : 1);
        }

        var document = Markdown.Parse(front.Body, report, front.BodyLine);
        if (document is null)
        {
            return null;
        }

        if (!Markdown.HasText(document))
        {
            report.Error(front.BodyLine, "the qualification has no description: say in a sentence or two what it is and how it is achieved, below the front matter");
        }

        if (report.HasErrors || code is null || title is null || awardingBody is null || level is null || seed is null || groups is null)
        {
            return null;
        }

        foreach (var unit in outside.Keys.Where(unit => !context.Named.ContainsKey(unit)))
        {
            report.Warning(front.TryGet("outside_bank", out _, out var outsideLine) ? outsideLine : 1, $"outside_bank names unit '{unit}', which no group of the qualification lists");
        }

        var named = context.Named.Keys.ToHashSet(StringComparer.Ordinal);
        return new Qualification(code, title, awardingBody, level, groups, credits.Values, minCredits, seed, report.Path, Markdown.Render(front.Body))
        {
            OutsideBank = outside,
            Levels = levels.Where(entry => named.Contains(entry.Key)).ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal),
        };
    }

    private sealed record Credits(IReadOnlyDictionary<string, int> Values, IReadOnlyDictionary<string, int> Lines);

    private sealed record Context(FileReport Report, IReadOnlyDictionary<string, Unit> Units, Credits Credits, Dictionary<string, (string Group, int Line)> Named,
        IReadOnlyDictionary<string, OutsideUnit> Outside, IReadOnlyDictionary<string, int> Levels);

    /// <summary>The number a level ends with ("SCQF 8" is 8, "QCF 3" and "3" are 3); null when it ends with none.</summary>
    private static int? LevelNumber(string level)
    {
        var digits = new string(level.Reverse().TakeWhile(char.IsAsciiDigit).Reverse().ToArray());
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>
    /// Units the qualification lists that the bank does not hold, each with its title and level from the specification:
    /// outside_bank: [{unit: A3, title: "…", level: 2}]. A unit the bank holds is refused here.
    /// </summary>
    private static Dictionary<string, OutsideUnit> ReadOutsideBank(YamlFrontMatter front, FileReport report, IReadOnlyDictionary<string, Unit> units)
    {
        var outside = new Dictionary<string, OutsideUnit>(StringComparer.Ordinal);
        if (!front.TryGet("outside_bank", out var node, out var line))
        {
            return outside;
        }

        if (node is not YamlSequenceNode sequence)
        {
            report.Error(line, "outside_bank must be a list of units this bank does not hold, each {unit: A3, title: \"…\", level: 2}");
            return outside;
        }

        foreach (var child in sequence.Children)
        {
            var childLine = YamlFrontMatter.LineOf(child);
            var entries = child is YamlMappingNode mapping ? Entries(mapping, OutsideKeys, "outside_bank", report) : [];
            var code = entries.TryGetValue("unit", out var codeNode) ? YamlFrontMatter.Text(codeNode.Value) : null;
            var title = entries.TryGetValue("title", out var titleNode) ? YamlFrontMatter.Text(titleNode.Value) : null;
            var level = entries.TryGetValue("level", out var levelNode) ? YamlFrontMatter.Integer(levelNode.Value) : null;
            if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(title) || level is null or < 1 or > 12)
            {
                report.Error(childLine, "outside_bank: each unit is {unit: code, title: \"…\", level: 1 to 12}");
                continue;
            }

            if (units.ContainsKey(code))
            {
                report.Error(childLine, $"outside_bank: unit {code} is in the item bank; list it in its group only");
                continue;
            }

            if (!outside.TryAdd(code, new OutsideUnit(title, level.Value)))
            {
                report.Error(childLine, $"outside_bank: unit {code} is given twice");
            }
        }

        return outside;
    }

    private static readonly IReadOnlySet<string> OutsideKeys = new HashSet<string>(["unit", "title", "level"], StringComparer.Ordinal);

    private static Credits ReadCredits(YamlFrontMatter front, FileReport report)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!front.TryGet("credits", out var node, out var line))
        {
            return new Credits(values, lines);
        }

        if (node is not YamlMappingNode mapping)
        {
            report.Error(line, "credits must map each unit code to its credit value, e.g. credits: {\"4417-03/301\": 6, \"4417-03/302\": 7}");
            return new Credits(values, lines);
        }

        foreach (var (key, value) in mapping.Children)
        {
            var unit = YamlFrontMatter.Text(key);
            var keyLine = YamlFrontMatter.LineOf(key);
            var credit = YamlFrontMatter.Integer(value);
            if (unit is null || credit is null or <= 0 or > 1000)
            {
                report.Error(keyLine, $"credits: '{unit}' needs a whole number of credits from 1 to 1000, not '{YamlFrontMatter.Text(value)}'");
                continue;
            }

            values[unit] = credit.Value;
            lines[unit] = keyLine;
        }

        return new Credits(values, lines);
    }

    private static int? PositiveNumber(YamlFrontMatter front, string key, FileReport report)
    {
        if (!front.TryGet(key, out var node, out var line))
        {
            return null;
        }

        return PositiveNumber(node, key, line, report);
    }

    private static int? PositiveNumber(YamlNode node, string key, int line, FileReport report)
    {
        var number = YamlFrontMatter.Integer(node);
        if (number is null or <= 0 or > 10_000)
        {
            report.Error(line, $"{key} must be a whole number from 1 up, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        return number;
    }

    private static List<QualificationGroup>? ReadGroups(YamlFrontMatter front, Context context)
    {
        var report = context.Report;
        if (!front.TryGet("groups", out var node, out var line))
        {
            report.Error(1, "'groups' is missing: the rules of combination, e.g. a group 'Mandatory' with its units and a group 'Optional' with choose: 7");
            return null;
        }

        if (node is not YamlSequenceNode { Children.Count: > 0 } sequence)
        {
            report.Error(line, "groups must be a non-empty list of groups, each '- name: …' with its units (or themes) and, for an optional group, choose: N");
            return null;
        }

        var groups = new List<QualificationGroup>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in sequence.Children)
        {
            if (ReadGroup(child, context) is { } group)
            {
                if (!names.Add(group.Name))
                {
                    report.Error(YamlFrontMatter.LineOf(child), $"two groups are named '{group.Name}'");
                }

                groups.Add(group);
            }
        }

        return groups.Count == sequence.Children.Count ? groups : null;
    }

    private static QualificationGroup? ReadGroup(YamlNode node, Context context)
    {
        var report = context.Report;
        var line = YamlFrontMatter.LineOf(node);
        if (node is not YamlMappingNode mapping)
        {
            report.Error(line, "a group is 'name: …' with its units (or themes) and, for an optional group, choose: N");
            return null;
        }

        var entries = Entries(mapping, KnownGroupKeys, "group", report);
        var name = entries.TryGetValue("name", out var nameNode) ? YamlFrontMatter.Text(nameNode.Value) : null;
        if (string.IsNullOrEmpty(name))
        {
            report.Error(line, "a group needs a name, e.g. name: Mandatory");
            return null;
        }

        int? choose = entries.TryGetValue("choose", out var chooseNode) ? PositiveNumber(chooseNode.Value, $"group '{name}': choose", chooseNode.Line, report) : null;
        int? minCredits = entries.TryGetValue("min_credits", out var creditNode) ? PositiveNumber(creditNode.Value, $"group '{name}': min_credits", creditNode.Line, report) : null;
        var units = entries.TryGetValue("units", out var unitsNode) ? UnitList(unitsNode.Value, unitsNode.Line, name, $"group '{name}'", context) : [];
        var themes = new List<QualificationTheme>();
        if (entries.TryGetValue("themes", out var themesNode))
        {
            if (themesNode.Value is not YamlSequenceNode { Children.Count: > 0 } themeList)
            {
                report.Error(themesNode.Line, $"group '{name}': themes must be a list, each '- name: …' with at_least: N and its units");
                return null;
            }

            themes.AddRange(themeList.Children.Select(theme => ReadTheme(theme, name, context)).OfType<QualificationTheme>());
            if (themes.Count != themeList.Children.Count)
            {
                return null;
            }
        }

        var all = units.Concat(themes.SelectMany(theme => theme.Units)).ToList();
        if (all.Count == 0)
        {
            report.Error(line, $"group '{name}' lists no units: give its units, or its themes with theirs");
            return null;
        }

        if (choose is null && themes.Count > 0)
        {
            report.Error(line, $"group '{name}' has themes but no choose: an optional group says how many units to choose, e.g. choose: 7");
            return null;
        }

        if (choose > all.Count)
        {
            report.Error(chooseNode.Line, $"group '{name}' asks for {choose} unit(s) but lists only {all.Count}: no candidate could meet it");
        }

        var fromThemes = themes.Sum(theme => theme.AtLeast);
        if (choose is { } chosen && fromThemes > chosen)
        {
            report.Warning(chooseNode.Line, $"group '{name}': its themes ask for {fromThemes} unit(s) between them, more than the {chosen} to choose; a candidate needs {fromThemes}");
        }

        if (minCredits is { } needed)
        {
            CheckCredits(context, all, needed, $"group '{name}'", creditNode.Line);
        }

        var atLevel = entries.TryGetValue("min_credits_at_level", out var atLevelNode) ? LevelCreditsOf(atLevelNode.Value, atLevelNode.Line, name, all, context) : null;
        return new QualificationGroup(name, choose, minCredits, units, themes) { MinCreditsAtLevel = atLevel };
    }

    private static QualificationTheme? ReadTheme(YamlNode node, string group, Context context)
    {
        var report = context.Report;
        var line = YamlFrontMatter.LineOf(node);
        if (node is not YamlMappingNode mapping)
        {
            report.Error(line, $"group '{group}': a theme is 'name: …' with at_least: N and its units");
            return null;
        }

        var entries = Entries(mapping, KnownThemeKeys, "theme", report);
        var name = entries.TryGetValue("name", out var nameNode) ? YamlFrontMatter.Text(nameNode.Value) : null;
        if (string.IsNullOrEmpty(name))
        {
            report.Error(line, $"group '{group}': a theme needs a name, e.g. name: Handling Problems");
            return null;
        }

        var atLeast = entries.TryGetValue("at_least", out var atLeastNode) ? PositiveNumber(atLeastNode.Value, $"theme '{name}': at_least", atLeastNode.Line, report) : 1;
        if (!entries.TryGetValue("units", out var unitsNode))
        {
            report.Error(line, $"theme '{name}' lists no units");
            return null;
        }

        var units = UnitList(unitsNode.Value, unitsNode.Line, group, $"theme '{name}'", context);
        if (atLeast > units.Count)
        {
            report.Error(atLeastNode.Line, $"theme '{name}' asks for at least {atLeast} unit(s) but lists only {units.Count}: no candidate could meet it");
        }

        return atLeast is null || units.Count == 0 ? null : new QualificationTheme(name, atLeast.Value, units);
    }

    /// <summary>A list of unit codes of the bank, each named once in the whole qualification.</summary>
    private static List<string> UnitList(YamlNode node, int line, string group, string where, Context context)
    {
        var report = context.Report;
        var list = YamlFrontMatter.List(node);
        if (list is null || list.Count == 0)
        {
            report.Error(line, $"{where}: units must be a non-empty list of unit codes, e.g. units: [\"F05T 04\", \"F04E 04\"]");
            return [];
        }

        var units = new List<string>();
        foreach (var (code, codeLine) in list)
        {
            if (!context.Units.ContainsKey(code) && !context.Outside.ContainsKey(code))
            {
                var aliased = context.Units.Values.FirstOrDefault(unit => unit.Aliases.Contains(code, StringComparer.Ordinal));
                report.Error(codeLine, aliased is not null
                    ? $"{where}: '{code}' is an alias of unit {aliased.Code}; name units by their code"
                    : $"{where}: there is no unit '{code}' in the item bank (a unit folder's unit.md gives its code), nor in outside_bank");
                continue;
            }

            if (context.Named.TryGetValue(code, out var earlier))
            {
                report.Error(codeLine, earlier.Group == group
                    ? $"{where}: unit {code} is listed twice in group '{group}' (also line {earlier.Line}); a unit counts once"
                    : $"{where}: unit {code} is already in group '{earlier.Group}' (line {earlier.Line}); a unit counts toward one group only");
                continue;
            }

            context.Named[code] = (group, codeLine);
            units.Add(code);
        }

        return units;
    }

    /// <summary>min_credits_at_level: {level: 3, credits: 10}: the group's units of that level must carry enough credit.</summary>
    private static LevelCredits? LevelCreditsOf(YamlNode node, int line, string group, List<string> units, Context context)
    {
        var entries = node is YamlMappingNode mapping ? Entries(mapping, LevelCreditKeys, "min_credits_at_level", context.Report) : [];
        var level = entries.TryGetValue("level", out var levelNode) ? YamlFrontMatter.Integer(levelNode.Value) : null;
        var credits = entries.TryGetValue("credits", out var creditsNode) ? YamlFrontMatter.Integer(creditsNode.Value) : null;
        if (level is null or < 1 or > 12 || credits is null or < 1)
        {
            context.Report.Error(line, $"group '{group}': min_credits_at_level is {{level: 1 to 12, credits: N}}, e.g. {{level: 3, credits: 10}}");
            return null;
        }

        var unknown = units.Where(unit => !context.Levels.ContainsKey(unit)).ToList();
        if (unknown.Count > 0)
        {
            context.Report.Error(line, $"group '{group}' counts credit at level {level}, but the level of {string.Join(", ", unknown)} is not known (its unit.md's level ends with no number)");
            return null;
        }

        CheckCredits(context, units.Where(unit => context.Levels[unit] == level), credits.Value, $"group '{group}' at level {level}", line);
        return new LevelCredits(level.Value, credits.Value);
    }

    private static readonly IReadOnlySet<string> LevelCreditKeys = new HashSet<string>(["level", "credits"], StringComparer.Ordinal);

    /// <summary>A credit minimum needs every unit's credit value, and enough credit among the units to reach it.</summary>
    private static void CheckCredits(Context context, IEnumerable<string> units, int needed, string where, int line)
    {
        var list = units.ToList();
        var missing = list.Where(unit => !context.Credits.Values.ContainsKey(unit)).ToList();
        if (missing.Count > 0)
        {
            context.Report.Error(line, $"{where} asks for {needed} credits, but credits gives no value for {string.Join(", ", missing)}");
            return;
        }

        var available = list.Sum(unit => context.Credits.Values[unit]);
        if (available < needed)
        {
            context.Report.Error(line, $"{where} asks for {needed} credits but its units carry only {available}: no candidate could meet it");
        }
    }

    private static Dictionary<string, (YamlNode Value, int Line)> Entries(YamlMappingNode mapping, IReadOnlySet<string> known, string what, FileReport report)
    {
        var entries = new Dictionary<string, (YamlNode, int)>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            var name = YamlFrontMatter.Text(key) ?? "";
            var line = YamlFrontMatter.LineOf(key);
            if (!known.Contains(name))
            {
                report.Warning(line, $"unknown {what} key '{name}' (known: {string.Join(", ", known)})");
                continue;
            }

            entries[name] = (value, line);
        }

        return entries;
    }
}
