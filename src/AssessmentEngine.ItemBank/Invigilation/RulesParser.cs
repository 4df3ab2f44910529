using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AssessmentEngine.ItemBank.Invigilation;

/// <summary>Parses and lints rules.yml: five 'key: value' lines; a missing key takes its default with a warning.</summary>
internal static class RulesParser
{
    private const int MaxFlowDepth = 32;

    private sealed record Range(string Key, int Minimum, int Maximum, string Unit, int Default);

    private static readonly Range Heartbeat = new("heartbeat_seconds", 5, 120, "seconds", PlaybookRules.Default.HeartbeatSeconds);
    private static readonly Range PauseReminder = new("pause_reminder_minutes", 1, 240, "minutes", PlaybookRules.Default.PauseReminderMinutes);
    private static readonly Range MessageLength = new("message_max_length", 50, 2000, "characters", PlaybookRules.Default.MessageMaxLength);

    private const string Disconnected = "disconnected_after_seconds";
    private const string FocusLoss = "focus_loss";

    private static readonly string[] KnownKeys = [Heartbeat.Key, Disconnected, FocusLoss, PauseReminder.Key, MessageLength.Key];

    /// <summary>YamlDotNet counts lines from 1, like the file.</summary>
    private static int LineOf(YamlNode node) => (int)Math.Clamp(node.Start.Line, 1, int.MaxValue - 1);

    public static PlaybookRules? Parse(SourceText source, FileReport report)
    {
        var lineCount = source.Text.Split('\n').Length;
        var root = Read(source.Text, lineCount, report);
        if (root is null)
        {
            return null;
        }

        var entries = new Dictionary<string, (int Line, YamlNode Value)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            var key = YamlFrontMatter.Text(keyNode);
            if (key is null || keyNode is not YamlScalarNode)
            {
                report.Error(LineOf(keyNode), "a key in rules.yml must be a plain word, e.g. heartbeat_seconds");
                continue;
            }

            if (!KnownKeys.Contains(key, StringComparer.Ordinal))
            {
                report.Warning(LineOf(keyNode), $"unknown key '{key}' is ignored (known: {string.Join(", ", KnownKeys)})");
                continue;
            }

            entries[key] = (LineOf(keyNode), value);
        }

        var heartbeat = Number(Heartbeat, entries, report);
        var disconnected = DisconnectedAfter(entries, report);
        var focusLoss = ReadFocusLoss(entries, report);
        var pause = Number(PauseReminder, entries, report);
        var length = Number(MessageLength, entries, report);

        if (heartbeat is { } beat && disconnected is { } after && after < 2 * beat)
        {
            var line = entries.TryGetValue(Disconnected, out var given) ? given.Line : entries[Heartbeat.Key].Line;
            report.Error(line, $"{Disconnected} ({after}) must be at least twice {Heartbeat.Key} ({beat}), so one late heartbeat does not show a candidate as disconnected: make it {2 * beat} or more");
            return null;
        }

        return report.HasErrors || heartbeat is null || disconnected is null || focusLoss is null || pause is null || length is null
            ? null
            : new PlaybookRules(heartbeat.Value, disconnected.Value, focusLoss.Value, pause.Value, length.Value);
    }

    private static YamlMappingNode? Read(string yaml, int lineCount, FileReport report)
    {
        if (YamlFrontMatter.FlowDepth(yaml) > MaxFlowDepth)
        {
            report.Error(1, $"rules.yml nests [ ] or {{ }} more than {MaxFlowDepth} deep");
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count > 1)
            {
                report.Error(LineOf(stream.Documents[1].RootNode), "rules.yml holds more than one YAML document: remove the second '---'");
                return null;
            }

            var node = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (node is null || node is YamlScalarNode scalar && YamlFrontMatter.IsNull(scalar))
            {
                // Nothing but comments: every key takes its default, each with its warning.
                return new YamlMappingNode();
            }

            if (node is not YamlMappingNode root)
            {
                report.Error(LineOf(node), "rules.yml must be 'key: value' lines (a YAML mapping)");
                return null;
            }

            return root;
        }
        catch (YamlException exception)
        {
            report.Error((int)Math.Clamp(exception.Start.Line, 1, lineCount), $"rules.yml is not valid YAML: {YamlFrontMatter.CleanYamlMessage(exception)}");
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws this, without a position, for some unterminated constructs (an unclosed '[' at the end).
            report.Error((int)Math.Clamp(YamlFrontMatter.LastParsedLine(yaml), 1, lineCount), "rules.yml is not valid YAML: check its brackets, braces, quotes and tags");
            return null;
        }
    }

    private static int? Number(Range range, Dictionary<string, (int Line, YamlNode Value)> entries, FileReport report)
    {
        if (!entries.TryGetValue(range.Key, out var entry))
        {
            report.Warning(1, $"'{range.Key}' is missing; the default {range.Default} is used");
            return range.Default;
        }

        var number = WholeNumber(range.Key, entry, $"a whole number of {range.Unit} from {range.Minimum} to {range.Maximum}", report);
        if (number is { } given && (given < range.Minimum || given > range.Maximum))
        {
            report.Error(entry.Line, $"{range.Key} must be from {range.Minimum} to {range.Maximum} {range.Unit}, not {given}");
            return null;
        }

        return number;
    }

    private static int? DisconnectedAfter(Dictionary<string, (int Line, YamlNode Value)> entries, FileReport report)
    {
        var fallback = PlaybookRules.Default.DisconnectedAfterSeconds;
        if (!entries.TryGetValue(Disconnected, out var entry))
        {
            report.Warning(1, $"'{Disconnected}' is missing; the default {fallback} is used");
            return fallback;
        }

        return WholeNumber(Disconnected, entry, "a whole number of seconds, at least twice heartbeat_seconds", report);
    }

    private static int? WholeNumber(string key, (int Line, YamlNode Value) entry, string expected, FileReport report)
    {
        var number = YamlFrontMatter.Integer(entry.Value);
        if (number is null)
        {
            report.Error(entry.Line, $"{key} must be {expected}, not {Describe(entry.Value)}");
        }

        return number;
    }

    private static FocusLossReporting? ReadFocusLoss(Dictionary<string, (int Line, YamlNode Value)> entries, FileReport report)
    {
        if (!entries.TryGetValue(FocusLoss, out var entry))
        {
            report.Warning(1, $"'{FocusLoss}' is missing; the default {PlaybookRules.Default.FocusLoss.ToString().ToLowerInvariant()} is used");
            return PlaybookRules.Default.FocusLoss;
        }

        FocusLossReporting? value = YamlFrontMatter.Text(entry.Value) switch
        {
            "shown" => FocusLossReporting.Shown,
            "flagged" => FocusLossReporting.Flagged,
            "off" => FocusLossReporting.Off,
            _ => null,
        };
        if (value is null || entry.Value is not YamlScalarNode)
        {
            report.Error(entry.Line, $"{FocusLoss} must be shown (on the dashboard, not flagged), flagged (raised as an alert) or off (not reported), not {Describe(entry.Value)}");
            return null;
        }

        return value;
    }

    private static string Describe(YamlNode value) => value switch
    {
        YamlScalarNode scalar when YamlFrontMatter.IsNull(scalar) => "nothing",
        YamlScalarNode { Value: { } text } => $"'{text}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "this",
    };
}
