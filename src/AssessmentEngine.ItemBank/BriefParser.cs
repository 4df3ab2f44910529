using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AssessmentEngine.ItemBank;

/// <summary>
/// Parses and lints a brief (itembank/&lt;unit&gt;/briefs/&lt;id&gt;.md): front matter saying which of the unit's methods
/// it serves, the statements it covers, what the candidate submits (a word range, a time limit for an assignment) and
/// the specification line it follows; then the task in Markdown, rendered to safe HTML.
/// </summary>
internal static partial class BriefParser
{
    private static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["id", "title", "method", "covers", "submit", "words", "time_limit_minutes", "seed"], StringComparer.Ordinal);

    /// <summary>What a candidate may be asked to hand in.</summary>
    public static readonly IReadOnlyList<string> SubmitTypes = ["report", "plan", "presentation", "recording", "blog", "case_study", "product", "assignment"];

    public static Brief? Parse(SourceText source, FileReport report, UnitContext unit)
    {
        var front = YamlFrontMatter.Read(source.Text, report, "a brief");
        if (front is null)
        {
            return null;
        }

        front.WarnAboutUnknownKeys(KnownKeys, report);
        var id = front.RequiredText("id", report, "the brief's id, the file name without .md, e.g. id: fe6v35-report-and-plan", out var idLine);
        var fileName = Path.GetFileNameWithoutExtension(report.Path);
        if (id is not null && id != fileName)
        {
            report.Error(idLine, $"the brief's id '{id}' must match its file name '{fileName}.md'");
        }

        var title = front.RequiredText("title", report, "the brief's title as the candidate sees it", out _);
        var method = front.RequiredText("method", report, "which of the unit's methods the brief serves, e.g. method: submitted_evidence", out var methodLine);
        var evidenceMethods = unit.Methods.Where(m => m.TakesEvidence).Select(m => m.Method).Distinct().ToList();
        if (method is not null && !AssessmentMethod.TakesEvidenceFor(method))
        {
            report.Error(methodLine, $"a brief serves a method that takes evidence (submitted_evidence, portfolio or assignment), not '{method}'");
        }
        else if (method is not null && unit.Methods.Count > 0 && !evidenceMethods.Contains(method))
        {
            report.Error(methodLine, $"unit {unit.Code} is not assessed by {method}: its methods taking evidence are {(evidenceMethods.Count == 0 ? "none" : string.Join(", ", evidenceMethods))}");
        }

        var covers = List(front, "covers", report, "the statements the brief's tasks cover, e.g. covers: [\"1.1\", \"1.2\"]") ?? [];
        var outcomes = unit.Outcomes.Select(o => o.Number.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        foreach (var (reference, line) in covers.Where(c => unit.Statement(c.Value) is null && !outcomes.Contains(c.Value)))
        {
            report.Error(line, $"the brief covers '{reference}', which is neither a statement nor an outcome of unit {unit.Code}");
        }

        var submit = List(front, "submit", report, $"what the candidate hands in: {string.Join(", ", SubmitTypes)}") ?? [];
        foreach (var (kind, line) in submit.Where(s => !SubmitTypes.Contains(s.Value)))
        {
            report.Error(line, $"unknown submission '{kind}': use {string.Join(", ", SubmitTypes)}");
        }

        var words = Words(front, report);
        var minutes = TimeLimit(front, report, method);
        var seed = front.RequiredText("seed", report, "the specification line(s) the brief follows, e.g. seed: \"000_ffdec7d2b584c352.txt:91-104\"", out var seedLine);
        if (seed is not null && !AssessmentMethod.IsSeedCitation(seed))
        {
            report.Error(seedLine, $"seed must cite the specification as file:line or file:first-last, not '{seed}'");
        }

        var document = Markdown.Parse(front.Body, report, front.BodyLine);
        if (document is null)
        {
            return null;
        }

        if (!Markdown.HasText(document))
        {
            report.Error(front.BodyLine, "the brief has no task: write what the candidate is to do below the front matter");
        }

        if (report.HasErrors || id is null || title is null || method is null || seed is null)
        {
            return null;
        }

        // A brief is shown under its page's own heading (its title): its headings go one level down, so a page has one h1.
        var html = HeadingTag().Replace(Markdown.Render(front.Body), m => $"<{m.Groups[1].Value}h{int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + 1}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Text)));
        return new Brief(id, unit.Code, report.Path, title, method, [.. covers.Select(c => c.Value)], [.. submit.Select(s => s.Value)], words, minutes, seed, html, source.Text, hash);
    }

    private static IReadOnlyList<(string Value, int Line)>? List(YamlFrontMatter front, string key, FileReport report, string hint)
    {
        if (!front.TryGet(key, out var node, out var line))
        {
            report.Error(1, $"'{key}' is missing: {hint}");
            return null;
        }

        var list = YamlFrontMatter.List(node);
        if (list is null || list.Count == 0)
        {
            report.Error(line, $"{key} must be a non-empty list: {hint}");
            return null;
        }

        return list;
    }

    private static WordRange? Words(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("words", out var node, out var line))
        {
            return null;
        }

        var text = YamlFrontMatter.Text(node) ?? "";
        var match = WordRangeText().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out var max) || min <= 0 || max < min)
        {
            report.Error(line, $"words must be a range of whole numbers, the smaller first, e.g. words: \"3000-5000\", not '{text}'");
            return null;
        }

        return new WordRange(min, max);
    }

    private static int? TimeLimit(YamlFrontMatter front, FileReport report, string? method)
    {
        if (!front.TryGet("time_limit_minutes", out var node, out var line))
        {
            if (method == "assignment")
            {
                report.Error(1, "an assignment needs 'time_limit_minutes', the time the specification allows, e.g. time_limit_minutes: 180");
            }

            return null;
        }

        var minutes = YamlFrontMatter.Integer(node);
        if (minutes is null or <= 0 or > 24 * 60)
        {
            report.Error(line, $"time_limit_minutes must be a whole number of minutes from 1 to 1440, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        if (method != "assignment")
        {
            report.Error(line, "only an assignment is timed: remove time_limit_minutes, or make the brief's method assignment");
        }

        return minutes;
    }

    [GeneratedRegex(@"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")]
    private static partial Regex WordRangeText();

    [GeneratedRegex("<(/?)h([1-5])(?=[\\s>])")]
    private static partial Regex HeadingTag();
}
