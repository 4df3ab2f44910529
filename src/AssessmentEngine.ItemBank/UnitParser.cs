using System.Text.RegularExpressions;
using Markdig.Syntax;

namespace AssessmentEngine.ItemBank;

/// <summary>A unit's definition from unit.md, which items and blueprints are checked against.</summary>
internal sealed record UnitContext(
    string Folder,
    string UnitFilePath,
    string Code,
    int CodeLine,
    string Title,
    string AwardingBody,
    string Level,
    IReadOnlyList<string> Aliases,
    UnitPolicy Policy,
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyDictionary<string, int> StatementLines,
    Func<string, string, bool>? ImageExists)
{
    private readonly Dictionary<string, Statement> _byReference =
        Outcomes.SelectMany(outcome => outcome.Statements).DistinctBy(statement => statement.Reference)
            .ToDictionary(statement => statement.Reference, StringComparer.Ordinal);

    public Statement? Statement(string reference) => _byReference.GetValueOrDefault(reference);
}

/// <summary>Parses and lints unit.md: front matter, then '# Outcome N: title' headings with '- **ref** text' statements.</summary>
internal static partial class UnitParser
{
    private static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["unit", "title", "awarding_body", "level", "aliases", "policy"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> KnownPolicyKeys = new HashSet<string>(
        ["window_weeks", "open_book", "invigilated"], StringComparer.Ordinal);

    public static UnitContext? Parse(SourceText source, FileReport report, string folder, Func<string, string, bool>? imageExists)
    {
        var front = YamlFrontMatter.Read(source.Text, report, "unit.md");
        if (front is null)
        {
            return null;
        }

        front.WarnAboutUnknownKeys(KnownKeys, report);
        var (code, codeLine) = Required(front, "unit", report, "the awarding body's unit code, e.g. unit: FE6V 35");
        var (title, _) = Required(front, "title", report, "the unit's title");
        var (awardingBody, _) = Required(front, "awarding_body", report, "e.g. awarding_body: SQA");
        var (level, _) = Required(front, "level", report, "e.g. level: SCQF 8");
        var aliases = ReadAliases(front, report);
        var policy = ReadPolicy(front, report);

        var document = Markdown.Parse(front.Body, report, front.BodyLine);
        if (document is null)
        {
            return null;
        }

        var (outcomes, lines) = ReadOutcomes(document, front.Body, report);
        if (outcomes.Count == 0)
        {
            report.Error(front.ClosingLine, "unit.md has no outcomes: add '# Outcome 1: title' and its statements as '- **1.1** text'");
        }

        return code is null
            ? null
            : new UnitContext(folder, report.Path, code, codeLine, title ?? "", awardingBody ?? "", level ?? "", aliases, policy, outcomes, lines, imageExists);
    }

    private static (string? Value, int Line) Required(YamlFrontMatter front, string key, FileReport report, string hint)
    {
        if (!front.TryGet(key, out var node, out var line))
        {
            report.Error(1, $"'{key}' is missing: {hint}");
            return (null, 1);
        }

        var value = YamlFrontMatter.Text(node);
        if (string.IsNullOrEmpty(value))
        {
            report.Error(line, $"'{key}' must be a non-empty text: {hint}");
            return (null, line);
        }

        return (value, line);
    }

    private static List<string> ReadAliases(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("aliases", out var node, out var line))
        {
            return [];
        }

        var list = YamlFrontMatter.List(node);
        if (list is null)
        {
            report.Error(line, "aliases must be a list of codes, e.g. aliases: [\"305/695\"]");
            return [];
        }

        return list.Select(entry => entry.Value).ToList();
    }

    private static UnitPolicy ReadPolicy(YamlFrontMatter front, FileReport report)
    {
        // Conservative defaults: closed book and invigilated unless unit.md says otherwise; no window unless given.
        var policy = new UnitPolicy(null, OpenBook: false, Invigilated: true);
        if (!front.TryGet("policy", out var node, out var line))
        {
            return policy;
        }

        if (node is not YamlDotNet.RepresentationModel.YamlMappingNode map)
        {
            report.Error(line, "policy must be a mapping with window_weeks, open_book and invigilated");
            return policy;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var key = YamlFrontMatter.Text(keyNode);
            var keyLine = YamlFrontMatter.LineOf(keyNode);
            switch (key)
            {
                case "window_weeks":
                    var weeks = YamlFrontMatter.Integer(value);
                    if (weeks is null or <= 0 && !(value is YamlDotNet.RepresentationModel.YamlScalarNode scalar && YamlFrontMatter.IsNull(scalar)))
                    {
                        report.Error(keyLine, $"window_weeks must be a positive whole number of calendar weeks, not '{YamlFrontMatter.Text(value)}'");
                    }

                    policy = policy with { WindowWeeks = weeks is > 0 ? weeks : null };
                    break;
                case "open_book" or "invigilated":
                    var flag = YamlFrontMatter.Boolean(value);
                    if (flag is null)
                    {
                        report.Error(keyLine, $"{key} must be true or false, not '{YamlFrontMatter.Text(value)}'");
                        break;
                    }

                    policy = key == "open_book" ? policy with { OpenBook = flag.Value } : policy with { Invigilated = flag.Value };
                    break;
                default:
                    report.Warning(keyLine, $"unknown policy key '{key}' (known: {string.Join(", ", KnownPolicyKeys)})");
                    break;
            }
        }

        return policy;
    }

    private static (IReadOnlyList<Outcome>, IReadOnlyDictionary<string, int>) ReadOutcomes(MarkdownDocument document, string body, FileReport report)
    {
        var outcomes = new List<Outcome>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        (int Number, string Title, List<Statement> Statements)? current = null;

        void Close()
        {
            if (current is { } done)
            {
                outcomes.Add(new Outcome(done.Number, done.Title, done.Statements));
            }
        }

        foreach (var block in document)
        {
            switch (block)
            {
                case HeadingBlock { Level: 1 } heading:
                    Close();
                    current = null;
                    var match = OutcomeHeading().Match(Markdown.PlainText(heading.Inline));
                    if (!match.Success || !int.TryParse(match.Groups["number"].ValueSpan, out var number) || number <= 0)
                    {
                        report.Error(heading.Line + 1, "an outcome heading reads '# Outcome N: title'");
                        break;
                    }

                    if (outcomes.Any(outcome => outcome.Number == number))
                    {
                        report.Error(heading.Line + 1, $"outcome {number} is given twice");
                        break;
                    }

                    current = (number, match.Groups["title"].Value.Trim(), []);
                    break;
                case ListBlock list:
                    foreach (var entry in list.OfType<ListItemBlock>())
                    {
                        ReadStatement(entry, body, current, lines, report);
                    }

                    break;
            }
        }

        Close();
        return (outcomes, lines);
    }

    private static void ReadStatement(ListItemBlock entry, string source, (int Number, string Title, List<Statement> Statements)? outcome, Dictionary<string, int> lines, FileReport report)
    {
        var line = entry.Line + 1;
        var paragraph = entry.FirstOrDefault() as ParagraphBlock;
        // The paragraph's own source, lines joined: inline parsing has already consumed its line slices.
        var text = paragraph is null || paragraph.Span.IsEmpty || paragraph.Span.End >= source.Length
            ? ""
            : string.Join(" ", source.Substring(paragraph.Span.Start, paragraph.Span.Length).Split('\n').Select(part => part.Trim()));
        var match = StatementLine().Match(text);
        if (!match.Success)
        {
            report.Error(line, "a statement reads '- **ref** text', its reference in bold at the start");
            return;
        }

        if (outcome is not { } current)
        {
            report.Error(line, "a statement must come under an outcome heading '# Outcome N: title'");
            return;
        }

        var reference = match.Groups["ref"].Value.Trim();
        var body = match.Groups["text"].Value.Trim();
        var online = true;
        if (NotOnline().Match(body) is { Success: true } marker)
        {
            online = false;
            body = body[..marker.Index].TrimEnd();
        }

        if (!ReferencePattern().IsMatch(reference))
        {
            report.Error(line, $"statement reference '{reference}' is not valid: use letters, digits and '.', e.g. 1.2, 29d, 3.2.1");
            return;
        }

        if (lines.TryGetValue(reference, out var first))
        {
            report.Error(line, $"statement '{reference}' is given twice (first on line {first})");
            return;
        }

        if (body.Length == 0)
        {
            report.Error(line, $"statement '{reference}' has no text");
        }

        if (current.Statements.Count > 0 && NaturalOrder.Comparer.Compare(current.Statements[^1].Reference, reference) > 0)
        {
            report.Warning(line, $"statement '{reference}' comes after '{current.Statements[^1].Reference}': list statements in natural order");
        }

        lines[reference] = line;
        current.Statements.Add(new Statement(reference, body, current.Number, online));
    }

    [GeneratedRegex(@"^Outcome\s+(?<number>\d{1,6})\s*[:.\-–—]\s*(?<title>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex OutcomeHeading();

    [GeneratedRegex(@"^\*\*(?<ref>[^*]{1,40})\*\*\s*(?<text>.*)$")]
    private static partial Regex StatementLine();

    [GeneratedRegex(@"\(not online\)\s*\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex NotOnline();

    [GeneratedRegex(@"^[A-Za-z0-9]+(?:[.\-/][A-Za-z0-9]+)*$")]
    private static partial Regex ReferencePattern();
}
