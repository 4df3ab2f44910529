using YamlDotNet.RepresentationModel;

namespace AssessmentEngine.ItemBank;

/// <summary>A blueprint with the lines its sections came from, for feasibility messages.</summary>
internal sealed record ParsedBlueprint(Blueprint Blueprint, int IdLine, IReadOnlyList<int> SectionLines, FileReport Report);

/// <summary>Parses and lints test.md: front matter describing the blueprint, then the candidates' instructions.</summary>
internal static class BlueprintParser
{
    private static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["test", "title", "duration_minutes", "time_limit", "pass_percent", "occasions", "marks_tolerance", "sections"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> KnownSectionKeys = new HashSet<string>(["outcome", "items", "marks", "types"], StringComparer.Ordinal);

    public static ParsedBlueprint? Parse(SourceText source, FileReport report, UnitContext? unit)
    {
        var front = YamlFrontMatter.Read(source.Text, report, "test.md");
        if (front is null)
        {
            return null;
        }

        front.WarnAboutUnknownKeys(KnownKeys, report);
        var id = front.RequiredText("test", report, "the test's unique id, e.g. test: fe6v35-online", out var idLine);
        var title = front.RequiredText("title", report, "the test's title", out _);
        var duration = Positive(front, "duration_minutes", report, required: true);
        var occasions = Positive(front, "occasions", report, required: false) ?? 1;
        var passPercent = PassPercent(front, report);
        var tolerance = MarksTolerance(front, report);
        var timeLimit = ReadTimeLimit(front, report);
        var (sections, lines) = ReadSections(front, report, unit);

        if (unit is not null)
        {
            var sampled = sections.Select(section => section.Outcome).ToHashSet();
            foreach (var outcome in unit.Outcomes.Where(outcome => outcome.Statements.Any(statement => statement.Online) && !sampled.Contains(outcome.Number)))
            {
                front.TryGet("sections", out _, out var sectionsLine);
                report.Warning(sectionsLine, $"outcome {outcome.Number} has online statements but no section: every outcome should be represented");
            }
        }

        var instructions = Markdown.Parse(front.Body, report, front.BodyLine) is { } document && !Markdown.HasTooMuchRawHtml(document, report)
            ? Markdown.RenderBlocks(document, implicitParagraph: false)
            : "";
        if (report.HasErrors || id is null || title is null || duration is null || passPercent is null)
        {
            return null;
        }

        var blueprint = new Blueprint(id, title, unit?.Code ?? "", duration.Value, timeLimit, passPercent.Value, occasions, sections, instructions, report.Path)
        {
            MarksTolerance = tolerance,
        };
        return new ParsedBlueprint(blueprint, idLine, lines, report);
    }

    private static int? Positive(YamlFrontMatter front, string key, FileReport report, bool required)
    {
        if (!front.TryGet(key, out var node, out var line))
        {
            if (required)
            {
                report.Error(1, $"'{key}' is missing: give it as a positive whole number");
            }

            return null;
        }

        var value = YamlFrontMatter.Integer(node);
        if (value is null or <= 0)
        {
            report.Error(line, $"{key} must be a positive whole number, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        return value;
    }

    private static int? MarksTolerance(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("marks_tolerance", out var node, out var line))
        {
            return null;
        }

        var value = YamlFrontMatter.Integer(node);
        if (value is null or < 0)
        {
            report.Error(line, $"marks_tolerance must be a whole number of marks, 0 or more, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        return value;
    }

    private static int? PassPercent(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("pass_percent", out var node, out var line))
        {
            report.Error(1, "'pass_percent' is missing: the percentage that meets the standard, e.g. pass_percent: 60");
            return null;
        }

        var value = YamlFrontMatter.Integer(node);
        if (value is null or < 0 or > 100)
        {
            report.Error(line, $"pass_percent must be a whole number from 0 to 100, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        return value;
    }

    private static TimeLimit ReadTimeLimit(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("time_limit", out var node, out var line))
        {
            return TimeLimit.Hard;
        }

        switch (YamlFrontMatter.Text(node))
        {
            case "hard":
                return TimeLimit.Hard;
            case "soft":
                return TimeLimit.Soft;
            default:
                report.Error(line, $"time_limit must be hard or soft, not '{YamlFrontMatter.Text(node)}'");
                return TimeLimit.Hard;
        }
    }

    private static (IReadOnlyList<BlueprintSection>, IReadOnlyList<int>) ReadSections(YamlFrontMatter front, FileReport report, UnitContext? unit)
    {
        if (!front.TryGet("sections", out var node, out var line))
        {
            report.Error(1, "'sections' is missing: list the sections, e.g. '- outcome: 1' with 'items: 8' or 'marks: 12'");
            return ([], []);
        }

        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
        {
            report.Error(line, "sections must be a non-empty list of '- outcome: N' entries with items: or marks:");
            return ([], []);
        }

        var sections = new List<BlueprintSection>();
        var lines = new List<int>();
        foreach (var entry in list.Children)
        {
            var entryLine = YamlFrontMatter.LineOf(entry);
            if (entry is not YamlMappingNode map)
            {
                report.Error(entryLine, "a section is a mapping: '- outcome: N' then 'items: N' or 'marks: N', optionally 'types: [...]'");
                continue;
            }

            var section = ReadSection(map, entryLine, report, unit);
            if (section is not null)
            {
                sections.Add(section);
                lines.Add(entryLine);
            }
        }

        return (sections, lines);
    }

    private static BlueprintSection? ReadSection(YamlMappingNode map, int line, FileReport report, UnitContext? unit)
    {
        int? outcome = null, items = null, marks = null;
        List<ItemType>? types = null;
        var ok = true;
        foreach (var (keyNode, value) in map.Children)
        {
            var key = YamlFrontMatter.Text(keyNode);
            var keyLine = YamlFrontMatter.LineOf(keyNode);
            switch (key)
            {
                case "outcome":
                    outcome = YamlFrontMatter.Integer(value);
                    if (outcome is null or <= 0)
                    {
                        report.Error(keyLine, $"a section's outcome must be an outcome number, not '{YamlFrontMatter.Text(value)}'");
                        ok = false;
                    }
                    else if (unit is not null && unit.Outcomes.All(o => o.Number != outcome))
                    {
                        report.Error(keyLine, $"outcome {outcome} is not in {unit.UnitFilePath} (outcomes: {string.Join(", ", unit.Outcomes.Select(o => o.Number))})");
                        ok = false;
                    }

                    break;
                case "items" or "marks":
                    var count = YamlFrontMatter.Integer(value);
                    if (count is null or <= 0)
                    {
                        report.Error(keyLine, $"a section's {key} must be a positive whole number, not '{YamlFrontMatter.Text(value)}'");
                        ok = false;
                    }
                    else if (key == "items")
                    {
                        items = count;
                    }
                    else
                    {
                        marks = count;
                    }

                    break;
                case "types":
                    types = [];
                    foreach (var (name, typeLine) in YamlFrontMatter.List(value) ?? [])
                    {
                        if (ItemParser.ParseType(name) is { } type)
                        {
                            types.Add(type);
                        }
                        else
                        {
                            report.Error(typeLine, $"unknown type '{name}' in types: use single, multiple, truefalse, match, short or extended");
                            ok = false;
                        }
                    }

                    if (types.Count == 0 && ok)
                    {
                        report.Error(keyLine, "types must list at least one item type, or be left out");
                        ok = false;
                    }

                    break;
                default:
                    report.Warning(keyLine, $"unknown section key '{key}' (known: {string.Join(", ", KnownSectionKeys)})");
                    break;
            }
        }

        if (outcome is null && ok)
        {
            report.Error(line, "a section needs 'outcome: N'");
            ok = false;
        }

        if ((items is null) == (marks is null) && ok)
        {
            report.Error(line, "a section needs exactly one of 'items: N' or 'marks: N'");
            ok = false;
        }

        return ok ? new BlueprintSection(outcome!.Value, items, marks, types?.Distinct().ToList()) : null;
    }
}
