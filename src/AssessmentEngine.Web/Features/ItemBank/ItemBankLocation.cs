namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>
/// Where the engine reads the Markdown banks: ItemBank:Path, else the nearest "itembank" folder above the content
/// root (the repository's, under ./ae up). Null when there is none.
/// </summary>
public sealed class ItemBankLocation(IConfiguration configuration, IHostEnvironment environment)
{
    public const string ConfigurationKey = "ItemBank:Path";

    public string? Path { get; } = Resolve(configuration[ConfigurationKey], environment.ContentRootPath);

    private static string? Resolve(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.Exists(configured) ? System.IO.Path.GetFullPath(configured) : null;
        }

        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "itembank");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The unit folders on disk (those holding a unit.md), by folder name.</summary>
    public IReadOnlyList<string> UnitFolders() => Path is null
        ? []
        : Directory.EnumerateDirectories(Path).Where(d => File.Exists(System.IO.Path.Combine(d, "unit.md")))
            .Select(d => System.IO.Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
}
