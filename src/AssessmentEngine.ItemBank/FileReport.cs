namespace AssessmentEngine.ItemBank;

/// <summary>Collects the diagnostics of one file, remembering whether any was an error.</summary>
internal sealed class FileReport(string path, List<Diagnostic> sink)
{
    public string Path { get; } = path;

    public bool HasErrors { get; private set; }

    public void Error(int line, string message)
    {
        HasErrors = true;
        sink.Add(new Diagnostic(Path, Math.Max(1, line), Severity.Error, message));
    }

    public void Warning(int line, string message) => sink.Add(new Diagnostic(Path, Math.Max(1, line), Severity.Warning, message));
}
