namespace AssessmentEngine.ItemBank.Invigilation;

/// <summary>
/// Loads the invigilation playbook folder (instructions.md, incident-codes.md, rules.yml): parses and lints it in one
/// pass. It never throws on bad input; every problem is a <see cref="Diagnostic"/> pointing at the offending line.
/// </summary>
public static class PlaybookLoader
{
    public const string InstructionsFile = "instructions.md";
    public const string IncidentCodesFile = "incident-codes.md";
    public const string RulesFile = "rules.yml";

    // The playbook is a few pages; anything this large is a mistake, and refusing it keeps parsing cheap.
    private const int MaxBytes = 256 * 1024;

    /// <summary>Loads <paramref name="folder"/>; diagnostic paths are relative to the current directory.</summary>
    public static PlaybookLoad Load(string folder) => Load(folder, Directory.GetCurrentDirectory());

    /// <summary>Loads <paramref name="folder"/>; diagnostic paths are relative to <paramref name="relativeTo"/>, with '/' separators.</summary>
    public static PlaybookLoad Load(string folder, string relativeTo)
    {
        var diagnostics = new List<Diagnostic>();
        var baseFolder = Path.GetFullPath(relativeTo);
        var full = Path.GetFullPath(folder);
        string Display(string path) => Path.GetRelativePath(baseFolder, path).Replace('\\', '/');

        if (!Directory.Exists(full))
        {
            diagnostics.Add(new Diagnostic(Display(full), 1, Severity.Error, "no such folder: the playbook folder holds instructions.md, incident-codes.md and rules.yml"));
            return new PlaybookLoad(null, diagnostics);
        }

        var instructions = Read(Path.Combine(full, InstructionsFile), Display, diagnostics,
            "it holds '# For candidates' (what candidates read before they start) and '# To read aloud' (what the invigilator reads to the room)",
            (source, report) => InstructionsParser.Parse(source, report));
        var codes = Read(Path.Combine(full, IncidentCodesFile), Display, diagnostics,
            "it holds the table '| code | title | note |' of incidents an invigilator can log",
            (source, report) => IncidentCodesParser.Parse(source, report));
        var rules = Read(Path.Combine(full, RulesFile), Display, diagnostics,
            "it holds heartbeat_seconds, disconnected_after_seconds, focus_loss, pause_reminder_minutes and message_max_length",
            (source, report) => RulesParser.Parse(source, report));

        var ordered = diagnostics.OrderBy(d => d.Path, StringComparer.Ordinal).ThenBy(d => d.Line).ToList();
        var hasErrors = ordered.Any(d => d.Severity == Severity.Error);
        var playbook = hasErrors || instructions is null || codes is null || rules is null
            ? null
            : new Playbook(instructions.CandidatesHtml, instructions.ReadAloudHtml, codes, rules);
        return new PlaybookLoad(playbook, ordered);
    }

    private static T? Read<T>(string path, Func<string, string> display, List<Diagnostic> diagnostics, string holds, Func<SourceText, FileReport, T?> parse)
        where T : class
    {
        var report = new FileReport(display(path), diagnostics);
        if (!File.Exists(path))
        {
            report.Error(1, $"the file is missing: {holds} (see invigilation/README.md)");
            return null;
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                report.Error(1, $"the file is {length:N0} bytes; a playbook file must be at most {MaxBytes:N0} bytes");
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            report.Error(1, $"cannot be read: {exception.Message}");
            return null;
        }

        var source = SourceText.Decode(bytes, report);
        return source is null ? null : parse(source, report);
    }
}
