namespace AssessmentEngine.Web.Features.Evidence.Scanning;

public static class ScanningSetup
{
    public const string ClamdKey = "Evidence:Clamd";

    /// <summary>
    /// Registers the evidence scanner: clamd at <c>Evidence:Clamd</c> (tcp://host:port or unix:/path/to/socket), or none when
    /// the key is unset. A malformed address stops the engine at start-up rather than at the first upload.
    /// </summary>
    public static IServiceCollection AddEvidenceScanning(this IServiceCollection services, IConfiguration configuration)
    {
        var address = configuration[ClamdKey];
        IEvidenceScanner scanner = string.IsNullOrWhiteSpace(address) ? new NoScanner() : new ClamdScanner(address);
        services.AddSingleton(scanner);
        return services;
    }
}
