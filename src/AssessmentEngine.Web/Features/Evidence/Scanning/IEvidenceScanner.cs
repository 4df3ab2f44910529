namespace AssessmentEngine.Web.Features.Evidence.Scanning;

public enum ScanOutcome { Clean, Infected, Unavailable }

/// <summary>Signature: clamd's name for what it found (Infected only); Problem: why the scan could not be made (Unavailable only).</summary>
public sealed record ScanResult(ScanOutcome Outcome, string? Signature = null, string? Problem = null)
{
    public static readonly ScanResult Clean = new(ScanOutcome.Clean);

    public static ScanResult Infected(string signature) => new(ScanOutcome.Infected, Signature: signature);

    public static ScanResult Unavailable(string problem) => new(ScanOutcome.Unavailable, Problem: problem);
}

/// <summary>Checks an evidence file for malware before it is accepted.</summary>
public interface IEvidenceScanner
{
    /// <summary>Whether files are scanned at all (false when Evidence:Clamd is not configured).</summary>
    bool Enabled { get; }

    /// <summary>Streams the content (read from its current position to the end, in chunks, never whole in memory).</summary>
    Task<ScanResult> ScanAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>What stands in when no scanner is configured: every file passes unread.</summary>
public sealed class NoScanner : IEvidenceScanner
{
    public bool Enabled => false;

    public Task<ScanResult> ScanAsync(Stream content, CancellationToken cancellationToken) => Task.FromResult(ScanResult.Clean);
}
