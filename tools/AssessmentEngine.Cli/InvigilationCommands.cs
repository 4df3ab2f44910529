using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Invigilation;

namespace AssessmentEngine.Cli;

/// <summary>./ae invigilation lint | show.</summary>
public static class InvigilationCommands
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) => args switch
    {
        ["lint", .. var rest] => Lint(Folder(rest, "lint"), output, cancellationToken),
        ["show", .. var rest] => Show(Folder(rest, "show"), output, cancellationToken),
        [var other, ..] => throw new UsageException($"unknown invigilation command '{other}'; it takes lint or show."),
        [] => throw new UsageException("invigilation takes lint or show."),
    };

    private static string Folder(string[] given, string command)
    {
        if (given.FirstOrDefault(arg => arg.StartsWith('-')) is { } option)
        {
            throw new UsageException($"unknown option '{option}'.");
        }

        if (given.Length > 1)
        {
            throw new UsageException($"invigilation {command} takes one folder: ./ae invigilation {command} [folder], by default invigilation/.");
        }

        var folder = given.Length == 1 ? given[0] : "invigilation";
        return Directory.Exists(folder) ? folder : throw new UsageException($"no such folder: {folder}");
    }

    private static async Task<int> Lint(string folder, TextWriter output, CancellationToken cancellationToken)
    {
        var load = PlaybookLoader.Load(folder);
        await WriteDiagnostics(load, output, cancellationToken);
        await output.WriteLineAsync(Summary(load).AsMemory(), cancellationToken);
        return load.HasErrors ? CommandLine.Failed : CommandLine.Ok;
    }

    private static async Task<int> Show(string folder, TextWriter output, CancellationToken cancellationToken)
    {
        var load = PlaybookLoader.Load(folder);
        await WriteDiagnostics(load, output, cancellationToken);
        if (load.Playbook is not { } playbook)
        {
            await output.WriteLineAsync(Summary(load).AsMemory(), cancellationToken);
            return CommandLine.Failed;
        }

        var lines = new List<string> { "incident codes", $"  {"code",-10} {"note",-9} title" };
        lines.AddRange(playbook.IncidentCodes.Select(code => $"  {code.Code,-10} {(code.NoteRequired ? "required" : "optional"),-9} {code.Title}"));
        var rules = playbook.Rules;
        lines.AddRange(
        [
            "",
            "rules",
            $"  {"heartbeat_seconds",-27} {rules.HeartbeatSeconds}",
            $"  {"disconnected_after_seconds",-27} {rules.DisconnectedAfterSeconds}",
            $"  {"focus_loss",-27} {rules.FocusLoss.ToString().ToLowerInvariant()}",
            $"  {"pause_reminder_minutes",-27} {rules.PauseReminderMinutes}",
            $"  {"message_max_length",-27} {rules.MessageMaxLength}",
            "",
            $"instructions: {playbook.CandidateInstructionsHtml.Length:N0} characters of HTML for candidates, {playbook.ReadAloudHtml.Length:N0} to read aloud",
        ]);
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken);
        }

        return CommandLine.Ok;
    }

    private static async Task WriteDiagnostics(PlaybookLoad load, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in load.Diagnostics)
        {
            await output.WriteLineAsync(diagnostic.ToString().AsMemory(), cancellationToken);
        }
    }

    private static string Summary(PlaybookLoad load)
    {
        var errors = load.Diagnostics.Count(d => d.Severity == Severity.Error);
        var warnings = load.Diagnostics.Count(d => d.Severity == Severity.Warning);
        var loaded = load.Playbook is { } playbook ? $"{playbook.IncidentCodes.Count} incident code(s)" : "the playbook cannot be used until the errors are fixed";
        return $"{errors} error(s), {warnings} warning(s); {loaded}";
    }
}
