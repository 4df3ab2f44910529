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
    public IReadOnlyList<AssessmentMethod> Methods { get; init; } = [];

    private readonly Dictionary<string, Statement> _byReference =
        Outcomes.SelectMany(outcome => outcome.Statements).DistinctBy(statement => statement.Reference)
            .ToDictionary(statement => statement.Reference, StringComparer.Ordinal);

    public Statement? Statement(string reference) => _byReference.GetValueOrDefault(reference);
}

/// <summary>Parses and lints unit.md: front matter, then '# Outcome N: title' headings with '- **ref** text' statements.</summary>
internal static partial class UnitParser
{
    private static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["unit", "title", "awarding_body", "level", "aliases", "policy", "methods"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> KnownMethodKeys = new HashSet<string>(
        ["method", "evidence", "covers", "seed", "note"], StringComparer.Ordinal);

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
        var code = front.RequiredText("unit", report, "the awarding body's unit code, e.g. unit: FE6V 35", out var codeLine);
        var title = front.RequiredText("title", report, "the unit's title", out _);
        var awardingBody = front.RequiredText("awarding_body", report, "e.g. awarding_body: SQA", out _);
        var level = front.RequiredText("level", report, "e.g. level: SCQF 8", out _);
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

        var methods = ReadMethods(front, outcomes, report);
        return code is null
            ? null
            : new UnitContext(folder, report.Path, code, codeLine, title ?? "", awardingBody ?? "", level ?? "", aliases, policy, outcomes, lines, imageExists)
            {
                Methods = methods,
            };
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

    /// <summary>
    /// The unit's assessment methods: each a known method, with the evidence it accepts where it takes evidence, what it
    /// covers (outcome numbers and statement references of this unit) and the specification's line that says so. Every
    /// outcome must be covered by some method. A unit.md without methods is warned about (older banks), not refused.
    /// </summary>
    private static List<AssessmentMethod> ReadMethods(YamlFrontMatter front, IReadOnlyList<Outcome> outcomes, FileReport report)
    {
        var methods = new List<AssessmentMethod>();
        if (!front.TryGet("methods", out var node, out var line))
        {
            report.Warning(1, "unit.md does not say how the unit is assessed: add 'methods:', each with method, covers and the seed line that says so (see itembank/README.md)");
            return methods;
        }

        if (node is not YamlDotNet.RepresentationModel.YamlSequenceNode list || list.Children.Count == 0)
        {
            report.Error(line, "methods must be a list, each entry a mapping with method, covers and seed (and evidence for a method that takes evidence)");
            return methods;
        }

        var statements = outcomes.SelectMany(outcome => outcome.Statements).Select(statement => statement.Reference).ToHashSet(StringComparer.Ordinal);
        var numbers = outcomes.Select(outcome => outcome.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        var covered = new HashSet<int>();
        foreach (var entry in list.Children)
        {
            var entryLine = YamlFrontMatter.LineOf(entry);
            if (entry is not YamlDotNet.RepresentationModel.YamlMappingNode map)
            {
                report.Error(entryLine, "each method must be a mapping with method, covers and seed");
                continue;
            }

            string? method = null, seed = null, note = null;
            IReadOnlyList<(string Value, int Line)> evidence = [], covers = [];
            var (methodLine, coversLine) = (entryLine, entryLine);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = YamlFrontMatter.Text(keyNode);
                var keyLine = YamlFrontMatter.LineOf(keyNode);
                switch (key)
                {
                    case "method":
                        (method, methodLine) = (YamlFrontMatter.Text(value), keyLine);
                        break;
                    case "seed":
                        seed = YamlFrontMatter.Text(value);
                        if (seed is null || !AssessmentMethod.IsSeedCitation(seed))
                        {
                            report.Error(keyLine, $"seed must cite the specification as file:line or file:first-last, e.g. \"000_ffdec7d2b584c352.txt:91-104\", not '{seed}'");
                        }

                        break;
                    case "note":
                        note = YamlFrontMatter.Text(value);
                        break;
                    case "evidence" or "covers":
                        var values = YamlFrontMatter.List(value);
                        if (values is null)
                        {
                            report.Error(keyLine, $"{key} must be a list, e.g. {key}: [{(key == "evidence" ? "report, plan" : "\"1\", \"2\"")}]");
                            break;
                        }

                        if (key == "evidence")
                        {
                            evidence = values;
                        }
                        else
                        {
                            (covers, coversLine) = (values, keyLine);
                        }

                        break;
                    default:
                        report.Warning(keyLine, $"unknown method key '{key}' (known: {string.Join(", ", KnownMethodKeys)})");
                        break;
                }
            }

            if (method is null)
            {
                report.Error(entryLine, $"a method needs 'method:', one of {string.Join(", ", AssessmentMethod.Known)}");
                continue;
            }

            if (!AssessmentMethod.Known.Contains(method))
            {
                report.Error(methodLine, $"unknown method '{method}': use one of {string.Join(", ", AssessmentMethod.Known)}");
                continue;
            }

            if (seed is null && !map.Children.Keys.Any(k => YamlFrontMatter.Text(k) == "seed"))
            {
                report.Error(methodLine, $"method {method} needs 'seed:', the specification's file and line(s) that say the unit is assessed this way");
            }

            foreach (var (kind, kindLine) in evidence.Where(e => !AssessmentMethod.EvidenceTypes.Contains(e.Value)))
            {
                report.Error(kindLine, $"unknown evidence type '{kind}': use {string.Join(", ", AssessmentMethod.EvidenceTypes)}");
            }

            var takesEvidence = AssessmentMethod.TakesEvidenceFor(method);
            if (takesEvidence && evidence.Count == 0)
            {
                report.Error(methodLine, $"method {method} needs 'evidence:', the kinds of evidence it accepts ({string.Join(", ", AssessmentMethod.EvidenceTypes)})");
            }
            else if (!takesEvidence && evidence.Count > 0)
            {
                report.Error(methodLine, $"method {method} takes answers, not evidence: remove 'evidence:'");
            }

            if (covers.Count == 0)
            {
                report.Error(coversLine, $"method {method} needs 'covers:', the outcome numbers or statement references it assesses");
            }

            foreach (var (reference, referenceLine) in covers)
            {
                if (numbers.Contains(reference))
                {
                    covered.Add(int.Parse(reference, System.Globalization.CultureInfo.InvariantCulture));
                }
                else if (statements.Contains(reference))
                {
                    covered.Add(outcomes.First(outcome => outcome.Statements.Any(statement => statement.Reference == reference)).Number);
                }
                else
                {
                    report.Error(referenceLine, $"method {method} covers '{reference}', which is neither an outcome number nor a statement of this unit");
                }
            }

            methods.Add(new AssessmentMethod(method, [.. evidence.Select(e => e.Value)], [.. covers.Select(c => c.Value)], seed ?? "", note));
        }

        foreach (var outcome in outcomes.Where(outcome => !covered.Contains(outcome.Number)))
        {
            report.Error(line, $"no method covers outcome {outcome.Number} ({outcome.Title}): say how it is assessed");
        }

        return methods;
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
