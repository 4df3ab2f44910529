using System.IO.Compression;
using AssessmentEngine.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank.Importing;

public sealed record UploadOutcome(IReadOnlyList<Diagnostic> Diagnostics, int ItemsChecked, ImportCounts? Imported, string? Problem)
{
    public bool HasErrors => Problem is not null || Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// A tutor's upload: one item file (checked against its unit folder in the bank) or a zip of a whole unit folder.
/// Lint comes first; nothing is imported while there is an error.
/// </summary>
public sealed class TutorUpload(ItemBankLocation location, IDocumentStore store, TimeProvider time)
{
    public const long MaximumUploadBytes = 20 * 1024 * 1024;
    public const long MaximumUnzippedBytes = 50 * 1024 * 1024;
    public const int MaximumEntries = 5000;

    public async Task<UploadOutcome> HandleAsync(string fileName, Stream content, string? unitFolder, bool import, ImportRights rights, string actor, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (name.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return await SingleItemAsync(name, buffer.ToArray(), unitFolder, import, rights, actor, cancellationToken);
        }

        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            buffer.Position = 0;
            return await UnitZipAsync(buffer, import, rights, actor, cancellationToken);
        }

        return Refused("Upload one item as a Markdown file (.md), or a whole unit folder as a .zip.");
    }

    private async Task<UploadOutcome> SingleItemAsync(string name, byte[] bytes, string? unitFolder, bool import, ImportRights rights, string actor, CancellationToken cancellationToken)
    {
        if (location.Path is null)
        {
            return Refused("This engine has no item bank folder (ItemBank:Path), so a single item cannot be checked against its unit; upload a zip of the unit folder.");
        }

        if (string.IsNullOrWhiteSpace(unitFolder) || !location.UnitFolders().Contains(unitFolder))
        {
            return Refused("Choose the unit the item belongs to.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-zA-Z0-9._-]+\\.md$"))
        {
            return Refused("Name the file after the item's id, like fe6v35-1.2-003.md (letters, digits, '.', '-', '_').");
        }

        var folder = Path.Combine(location.Path, unitFolder);
        var files = Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories)
            .ToDictionary(f => $"{unitFolder}/{Path.GetRelativePath(folder, f).Replace('\\', '/')}", File.ReadAllBytes, StringComparer.Ordinal);
        var uploadedPath = $"{unitFolder}/items/{name}";
        files[uploadedPath] = bytes;

        var bank = ItemBankLoader.LoadFiles(files);
        var diagnostics = bank.Diagnostics.Where(d => d.Path == uploadedPath || d.Severity == Severity.Error).ToList();
        var item = bank.Units.SelectMany(u => u.Items).FirstOrDefault(i => i.SourcePath == uploadedPath);
        if (!import || item is null || bank.HasErrors)
        {
            return new UploadOutcome(diagnostics, item is null ? 0 : 1, null, null);
        }

        // Only the uploaded item is imported; the rest of its unit is read only to check it.
        var unit = bank.Units.Single(u => u.Items.Contains(item));
        var only = new BankLoad([unit with { Items = [item] }], []);
        var counts = await ImportItemBank.RunAsync(store, only, retireMissing: false, rights, _ => actor, actor, time, cancellationToken);
        return new UploadOutcome(diagnostics, 1, counts, null);
    }

    private async Task<UploadOutcome> UnitZipAsync(Stream zip, bool import, ImportRights rights, string actor, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
            if (archive.Entries.Count > MaximumEntries)
            {
                return Refused($"The zip holds {archive.Entries.Count:N0} files; a unit folder has at most {MaximumEntries:N0}.");
            }

            long total = 0;
            foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(".md", StringComparison.OrdinalIgnoreCase)))
            {
                var path = entry.FullName.Replace('\\', '/').TrimStart('/');
                if (path.Split('/').Any(part => part is ".." or "") || path.Contains(':', StringComparison.Ordinal))
                {
                    return Refused($"The zip holds a file outside its folder ({entry.FullName}); zip the unit folder itself.");
                }

                total += entry.Length;
                if (total > MaximumUnzippedBytes)
                {
                    return Refused($"The zip unpacks to more than {MaximumUnzippedBytes / 1024 / 1024} MB; a unit folder is far smaller.");
                }

                await using var stream = await entry.OpenAsync(cancellationToken);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken);
                files[path] = copy.ToArray();
            }
        }
        catch (InvalidDataException)
        {
            return Refused("The file is not a readable zip.");
        }

        if (!files.Keys.Any(k => k == "unit.md" || k.EndsWith("/unit.md", StringComparison.Ordinal)))
        {
            return Refused("The zip has no unit.md: zip a whole unit folder (unit.md, test.md and items/).");
        }

        var bank = ItemBankLoader.LoadFiles(files);
        var checkedItems = bank.Units.Sum(u => u.Items.Count);
        if (!import || bank.HasErrors)
        {
            return new UploadOutcome(bank.Diagnostics, checkedItems, null, null);
        }

        var counts = await ImportItemBank.RunAsync(store, bank, retireMissing: true, rights, _ => actor, actor, time, cancellationToken);
        return new UploadOutcome(bank.Diagnostics, checkedItems, counts, null);
    }

    private static UploadOutcome Refused(string problem) => new([], 0, null, problem);
}
