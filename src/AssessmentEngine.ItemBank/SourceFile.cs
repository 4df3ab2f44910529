using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AssessmentEngine.ItemBank;

/// <summary>One Markdown file of the bank: its text (or why it has none) and the problems found in it.</summary>
internal sealed class SourceFile
{
    public const int MaximumBytes = 1024 * 1024;

    private readonly List<Diagnostic> _diagnostics;

    public SourceFile(string path, byte[] bytes, List<Diagnostic> diagnostics)
    {
        Path = path;
        _diagnostics = diagnostics;
        if (bytes.Length > MaximumBytes)
        {
            Error(1, $"the file is {bytes.Length / 1024:N0} KB; a bank file may be at most {MaximumBytes / 1024:N0} KB");
            return;
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            Error(1, "this is a binary file, not Markdown text");
            return;
        }

        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            Text = text.TrimStart('\uFEFF').ReplaceLineEndings("\n");
        }
        catch (DecoderFallbackException exception)
        {
            var line = 1 + bytes.AsSpan(0, Math.Min(exception.Index < 0 ? 0 : exception.Index, bytes.Length)).Count((byte)'\n');
            Error(line, "the file is not UTF-8 text; save it as UTF-8");
            return;
        }

        Lines = Text.Split('\n');
        Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text))).ToLowerInvariant();
    }

    public string Path { get; }

    /// <summary>Null when the file could not be read as text (the reason is already a diagnostic).</summary>
    public string? Text { get; }

    public string[] Lines { get; } = [];

    public string Hash { get; } = "";

    public void Error(int line, string message) => _diagnostics.Add(new Diagnostic(Path, Math.Max(1, line), Severity.Error, message));

    public void Warning(int line, string message) => _diagnostics.Add(new Diagnostic(Path, Math.Max(1, line), Severity.Warning, message));

    /// <summary>Splits "---\nyaml\n---\nbody". Returns null (with a diagnostic) when there is no well-formed front matter.</summary>
    public FrontMatter? ReadFrontMatter()
    {
        if (Text is null)
        {
            return null;
        }

        if (Lines.Length == 0 || Lines[0].TrimEnd() != "---")
        {
            Error(1, "the file must start with front matter: a line '---', YAML, and another line '---'");
            return null;
        }

        var close = Array.FindIndex(Lines, 1, l => l.TrimEnd() is "---" or "...");
        if (close < 0)
        {
            Error(1, "the front matter is not closed: add a line '---' after the YAML");
            return null;
        }

        var yaml = string.Join('\n', Lines[1..close]);
        YamlMappingNode map;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(2, "the front matter must be YAML 'key: value' lines");
                return null;
            }

            map = root;
        }
        catch (YamlException exception)
        {
            var line = 1 + (int)Math.Max(1, exception.Start.Line);
            Error(line, $"the front matter is not valid YAML: {FirstSentence(exception.Message)}");
            return null;
        }

        return new FrontMatter(this, new Fields(this, map, 1), close + 2, string.Join('\n', Lines[(close + 1)..]));
    }

    private static string FirstSentence(string message)
    {
        var text = message;
        var paren = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith('(') && paren > 0)
        {
            text = text[(paren + 3)..];
        }

        return text.Length > 160 ? text[..160] + "…" : text;
    }
}

/// <summary>A file's front matter fields and the Markdown body after it (BodyLine: the body's first line in the file).</summary>
internal sealed record FrontMatter(SourceFile File, Fields Fields, int BodyLine, string Body);

/// <summary>Typed reading of a YAML mapping, each problem reported at the line of the key.</summary>
internal sealed class Fields(SourceFile file, YamlMappingNode map, int lineOffset)
{
    public IEnumerable<(string Key, int Line)> Keys =>
        map.Children.Keys.OfType<YamlScalarNode>().Select(k => (k.Value ?? "", LineOf(k)));

    public int LineOf(YamlNode node) => lineOffset + (int)node.Start.Line;

    public int Line(string key) => map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == key) is { } node ? LineOf(node) : lineOffset + 1;

    public bool Has(string key) => Node(key) is not null and not YamlScalarNode { Value: null or "" };

    public YamlNode? Node(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public void WarnUnknownKeys(IReadOnlyCollection<string> known, string what)
    {
        foreach (var (key, line) in Keys.Where(k => !known.Contains(k.Key)))
        {
            file.Warning(line, $"unknown front-matter key '{key}' in {what} (known: {string.Join(", ", known)})");
        }
    }

    public string? String(string key, bool required)
    {
        switch (Node(key))
        {
            case null or YamlScalarNode { Value: null or "" }:
                if (required)
                {
                    file.Error(Line(key), $"'{key}' is missing");
                }

                return null;
            case YamlScalarNode scalar:
                return scalar.Value!.Trim();
            case var other:
                file.Error(LineOf(other), $"'{key}' must be a single value");
                return null;
        }
    }

    public int? Int(string key, bool required, int minimum, int maximum = int.MaxValue)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            file.Error(Line(key), maximum == int.MaxValue
                ? $"'{key}' must be a whole number of at least {minimum}, not '{text}'"
                : $"'{key}' must be a whole number from {minimum} to {maximum}, not '{text}'");
            return null;
        }

        return value;
    }

    public bool? Bool(string key)
    {
        var text = String(key, required: false);
        switch (text?.ToLowerInvariant())
        {
            case null:
                return null;
            case "true" or "yes":
                return true;
            case "false" or "no":
                return false;
            default:
                file.Error(Line(key), $"'{key}' must be true or false, not '{text}'");
                return null;
        }
    }

    public DateOnly? Date(string key)
    {
        var text = String(key, required: false);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            file.Error(Line(key), $"'{key}' must be a date written 2027-12-31, not '{text}'");
            return null;
        }

        return date;
    }

    /// <summary>A list of scalars ([a, b] or "- a" lines); a single scalar counts as a list of one.</summary>
    public IReadOnlyList<(string Value, int Line)>? Strings(string key, bool required)
    {
        switch (Node(key))
        {
            case null or YamlScalarNode { Value: null or "" }:
                if (required)
                {
                    file.Error(Line(key), $"'{key}' is missing");
                }

                return null;
            case YamlScalarNode scalar:
                return [(scalar.Value!.Trim(), LineOf(scalar))];
            case YamlSequenceNode sequence:
                var values = new List<(string, int)>();
                foreach (var child in sequence.Children)
                {
                    if (child is YamlScalarNode { Value: { } value } && value.Trim().Length > 0)
                    {
                        values.Add((value.Trim(), LineOf(child)));
                    }
                    else
                    {
                        file.Error(LineOf(child), $"every entry of '{key}' must be a single value");
                    }
                }

                return values;
            case var other:
                file.Error(LineOf(other), $"'{key}' must be a list, like [a, b]");
                return null;
        }
    }

    public Fields? Map(string key)
    {
        switch (Node(key))
        {
            case null:
                return null;
            case YamlMappingNode child:
                return new Fields(file, child, lineOffset);
            case var other:
                file.Error(LineOf(other), $"'{key}' must be a group of 'key: value' lines");
                return null;
        }
    }

    public IEnumerable<Fields> MapList(string key)
    {
        switch (Node(key))
        {
            case null:
                yield break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    if (child is YamlMappingNode entry)
                    {
                        yield return new Fields(file, entry, lineOffset);
                    }
                    else
                    {
                        file.Error(LineOf(child), $"every entry of '{key}' must be a group of 'key: value' lines");
                    }
                }

                break;
            case var other:
                file.Error(LineOf(other), $"'{key}' must be a list of entries");
                break;
        }
    }

    public int StartLine => lineOffset + (int)map.Start.Line;
}
