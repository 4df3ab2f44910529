using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AssessmentEngine.ItemBank;

/// <summary>
/// The YAML front matter of a file and the Markdown after it. <see cref="Body"/> keeps the front matter's lines as
/// blank lines, so line numbers in the Markdown are the file's own.
/// </summary>
internal sealed partial class YamlFrontMatter
{
    private const int MaxYamlChars = 64 * 1024;
    private const int MaxFlowDepth = 32;
    private const string DuplicateKey = "Duplicate key ";

    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries;

    private YamlFrontMatter(Dictionary<string, (YamlNode Key, YamlNode Value)> entries, int closingLine, string body, int lineCount)
    {
        LineCount = lineCount;
        _entries = entries;
        ClosingLine = closingLine;
        Body = body;
    }

    /// <summary>How many lines the file has (a final line break starts one more, empty, line).</summary>
    public int LineCount { get; }

    /// <summary>The first line after the front matter, or its closing line when nothing follows.</summary>
    public int BodyLine => Math.Min(ClosingLine + 1, LineCount);

    /// <summary>The 1-based line of the closing '---'.</summary>
    public int ClosingLine { get; }

    public string Body { get; }

    public IEnumerable<(string Key, int Line)> Keys => _entries.Select(entry => (entry.Key, LineOf(entry.Value.Key)));

    /// <summary>The front matter starts on line 2, and YamlDotNet counts lines from 1.</summary>
    public static int LineOf(YamlNode node) => (int)Math.Min(int.MaxValue - 1, Math.Max(1, node.Start.Line)) + 1;

    public bool TryGet(string key, out YamlNode value, out int line)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            line = LineOf(entry.Key);
            return true;
        }

        value = null!;
        line = 0;
        return false;
    }

    public static YamlFrontMatter? Read(string text, FileReport report, string what)
    {
        var lines = text.Split('\n');
        if (lines[0].TrimEnd() != "---")
        {
            report.Error(1, $"missing front matter: {what} starts with a line '---', then YAML, then a line '---'");
            return null;
        }

        var closing = Array.FindIndex(lines, 1, line => line.TrimEnd() is "---" or "...");
        if (closing < 0)
        {
            report.Error(1, "the front matter is not closed: add a line '---' after it");
            return null;
        }

        var yaml = string.Join('\n', lines, 1, closing - 1);
        if (yaml.Length > MaxYamlChars)
        {
            report.Error(2, $"the front matter is {yaml.Length:N0} characters; at most {MaxYamlChars:N0} are allowed");
            return null;
        }

        if (FlowDepth(yaml) > MaxFlowDepth)
        {
            report.Error(2, $"the front matter nests [ ] or {{ }} more than {MaxFlowDepth} deep");
            return null;
        }

        YamlMappingNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count > 1)
            {
                report.Error(LineOf(stream.Documents[1].RootNode), "the front matter holds more than one YAML document");
                return null;
            }

            var node = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (node is null || node is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                report.Error(1, "the front matter is empty");
                return null;
            }

            root = node as YamlMappingNode;
            if (root is null)
            {
                report.Error(LineOf(node), "the front matter must be 'key: value' lines (a YAML mapping)");
                return null;
            }
        }
        catch (YamlException exception)
        {
            var line = Math.Min((int)Math.Clamp(exception.Start.Line, 1, closing) + 1, closing);
            var message = CleanYamlMessage(exception);
            // YamlDotNet refuses a repeated key itself (only keys that differ by tag reach the check below); say it
            // in the same words.
            report.Error(line, message.StartsWith(DuplicateKey, StringComparison.Ordinal)
                ? $"'{message[DuplicateKey.Length..]}' is given twice"
                : $"the front matter is not valid YAML: {message}");
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws this, without a position, for some unterminated constructs (an unclosed '[' at the end).
            var line = (int)Math.Clamp(LastParsedLine(yaml), 1, closing) + 1;
            report.Error(Math.Min(line, closing), "the front matter is not valid YAML: check its brackets, braces, quotes and tags");
            return null;
        }

        var entries = new Dictionary<string, (YamlNode, YamlNode)>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                report.Error(LineOf(key), "a front-matter key must be a plain word");
                continue;
            }

            if (!entries.TryAdd(name, (key, value)))
            {
                report.Error(LineOf(key), $"'{name}' is given twice");
            }
        }

        var body = new string('\n', closing + 1) + string.Join('\n', lines, closing + 1, lines.Length - closing - 1);
        return new YamlFrontMatter(entries, closing + 1, body, lines.Length);
    }

    /// <summary>A key that must hold a non-empty text; reports it missing (line 1) or empty (its line) with the hint.</summary>
    public string? RequiredText(string key, FileReport report, string hint, out int line)
    {
        if (!TryGet(key, out var node, out line))
        {
            report.Error(1, $"'{key}' is missing: {hint}");
            line = 1;
            return null;
        }

        var value = Text(node);
        if (string.IsNullOrEmpty(value))
        {
            report.Error(line, $"'{key}' must be a non-empty text: {hint}");
            return null;
        }

        return value;
    }

    public void WarnAboutUnknownKeys(IReadOnlySet<string> known, FileReport report)
    {
        foreach (var (key, line) in Keys)
        {
            if (!known.Contains(key))
            {
                report.Warning(line, $"unknown front-matter key '{key}' (known: {string.Join(", ", known)})");
            }
        }
    }

    // --- typed readers: each reports its own problem and returns null on a bad value ---

    public static string? Text(YamlNode node) => node is YamlScalarNode { Value: { } value } scalar && !IsNull(scalar) ? value.Trim() : null;

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static int? Integer(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value } &&
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static bool? Boolean(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } value }
            ? value.ToLowerInvariant() switch { "true" or "yes" or "on" => true, "false" or "no" or "off" => false, _ => null }
            : null;

    /// <summary>A YAML list of plain values (a lone scalar counts as a list of one).</summary>
    public static IReadOnlyList<(string Value, int Line)>? List(YamlNode node) => node switch
    {
        YamlSequenceNode sequence when sequence.Children.All(child => Text(child) is not null) =>
            sequence.Children.Select(child => (Text(child)!, LineOf(child))).ToList(),
        YamlScalarNode scalar when IsNull(scalar) => [],
        YamlScalarNode scalar when Text(scalar) is { } single => [(single, LineOf(scalar))],
        _ => null,
    };

    internal static long LastParsedLine(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        long line = 1;
        try
        {
            while (parser.MoveNext())
            {
                line = parser.Current?.End.Line ?? line;
            }
        }
        catch (Exception exception) when (exception is YamlException or InvalidOperationException or ArgumentException)
        {
            // The line reached so far is what we wanted.
        }

        return line;
    }

    internal static string CleanYamlMessage(YamlException exception)
    {
        var message = PositionPrefix().Replace(exception.Message, "").Trim();
        return message.Length == 0 ? "a syntax error" : message;
    }

    internal static int FlowDepth(string yaml)
    {
        int depth = 0, deepest = 0;
        foreach (var c in yaml)
        {
            if (c is '[' or '{')
            {
                deepest = Math.Max(deepest, ++depth);
            }
            else if (c is ']' or '}')
            {
                depth = Math.Max(0, depth - 1);
            }
        }

        return deepest;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
