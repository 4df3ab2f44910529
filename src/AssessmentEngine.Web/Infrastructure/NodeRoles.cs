namespace AssessmentEngine.Web.Infrastructure;

/// <summary>What this process does: serve pages, APIs and hubs (web), run background work (worker), or both.</summary>
public sealed record NodeRoles(bool Web, bool Worker)
{
    public const string ConfigurationKey = "Node:Roles";

    public static NodeRoles From(IConfiguration configuration)
    {
        var text = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new NodeRoles(Web: true, Worker: true);
        }

        var names = text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name.ToLowerInvariant())
            .ToArray();
        var unknown = names.Where(name => name is not ("web" or "worker")).ToArray();
        if (unknown.Length > 0 || names.Length == 0)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is '{text}': it takes 'web', 'worker' or both (comma-separated); " +
                $"unknown: {string.Join(", ", unknown)}.");
        }

        return new NodeRoles(Web: names.Contains("web"), Worker: names.Contains("worker"));
    }

    public override string ToString() => (Web, Worker) switch
    {
        (true, true) => "web,worker",
        (true, false) => "web",
        _ => "worker",
    };
}
