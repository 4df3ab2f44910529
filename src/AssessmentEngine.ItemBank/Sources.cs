namespace AssessmentEngine.ItemBank;

/// <summary>A file to load: its path as diagnostics show it, and how to read its bytes (null after reporting why not).</summary>
internal sealed record BankFile(string Path, Func<FileReport, byte[]?> Read);

/// <summary>
/// The files of one unit folder. <paramref name="Partial"/>: only some of its items are given (a single file), so
/// unit-wide checks are skipped. <paramref name="ImageExists"/>: (item path, image address) → whether the image is a
/// file inside the bank.
/// </summary>
internal sealed record UnitSource(
    string Folder,
    string UnitFilePath,
    BankFile? UnitFile,
    IReadOnlyList<BankFile> Tests,
    IReadOnlyList<BankFile> Items,
    bool Partial,
    Func<string, string, bool> ImageExists)
{
    /// <summary>The unit's briefs (briefs/*.md).</summary>
    public IReadOnlyList<BankFile> Briefs { get; init; } = [];
}

/// <summary>Resolves an image address against the item's folder, refusing anything that climbs out of the bank.</summary>
internal static class BankPaths
{
    /// <summary>The normalised relative path, or null when it leaves <paramref name="itemFolder"/>'s bank root.</summary>
    public static string? Resolve(string itemFolder, string url, int depthOfItemFolder)
    {
        var path = url.Split('#', '?')[0];
        try
        {
            path = Uri.UnescapeDataString(path);
        }
        catch (UriFormatException)
        {
            return null;
        }

        var segments = itemFolder.Length == 0 ? new List<string>() : itemFolder.Split('/').ToList();
        var floor = segments.Count - depthOfItemFolder;
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count <= Math.Max(0, floor))
                    {
                        return null;
                    }

                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return string.Join('/', segments);
    }

    public static string Folder(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : "";
}

/// <summary>The folder of a bank root that holds qualifications (qualifications/&lt;name&gt;.md) rather than a unit.</summary>
internal static class QualificationFiles
{
    public const string Folder = "qualifications";
}

internal static class DiskSources
{
    /// <summary>The unit folders of the paths; the files of a bank root's qualifications folder go to <paramref name="qualifications"/>.</summary>
    public static IReadOnlyList<UnitSource> Find(IEnumerable<string> paths, string relativeTo, List<Diagnostic> diagnostics, List<BankFile> qualifications)
    {
        var baseFolder = Path.GetFullPath(relativeTo);
        string Display(string full) => Path.GetRelativePath(baseFolder, full).Replace('\\', '/');

        // unit folder (full path) → (whole folder?, single files)
        var units = new Dictionary<string, (bool Whole, List<string> Files)>(StringComparer.Ordinal);
        void Add(string folder, bool whole, string? file)
        {
            var entry = units.TryGetValue(folder, out var existing) ? existing : (Whole: false, Files: new List<string>());
            entry.Whole |= whole;
            if (file is not null)
            {
                entry.Files.Add(file);
            }

            units[folder] = entry;
        }

        foreach (var given in paths)
        {
            string full;
            try
            {
                full = Path.GetFullPath(given);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
            {
                diagnostics.Add(new Diagnostic(given, 1, Severity.Error, $"not a usable path: {exception.Message}"));
                continue;
            }

            if (File.Exists(full))
            {
                var folder = Path.GetDirectoryName(full)!;
                var unitFolder = Path.GetFileName(folder) == "items" ? Path.GetDirectoryName(folder)! : folder;
                Add(unitFolder, whole: false, full);
            }
            else if (Directory.Exists(full))
            {
                if (IsUnitFolder(full))
                {
                    Add(full, whole: true, null);
                    continue;
                }

                var children = Safe(() => Directory.GetDirectories(full), full, Display, diagnostics)
                    .Where(dir => !Path.GetFileName(dir).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
                foreach (var child in children)
                {
                    if (Path.GetFileName(child) == QualificationFiles.Folder)
                    {
                        qualifications.AddRange(Safe(() => Directory.GetFiles(child, "*.md"), child, Display, diagnostics).Where(file => !IsReadme(file))
                            .Order(StringComparer.Ordinal).Select(file => FileSource(file, Display)));
                        continue;
                    }

                    Add(child, whole: true, null);
                }

                foreach (var stray in Safe(() => Directory.GetFiles(full, "*.md"), full, Display, diagnostics).Where(file => !IsReadme(file)).Order(StringComparer.Ordinal))
                {
                    diagnostics.Add(new Diagnostic(Display(stray), 1, Severity.Warning, "not inside a unit folder, so not loaded: items go in <unit>/items/"));
                }

                if (children.Count == 0)
                {
                    diagnostics.Add(new Diagnostic(Display(full), 1, Severity.Warning, "no unit folders here (a unit folder holds unit.md, test.md and items/)"));
                }
            }
            else
            {
                diagnostics.Add(new Diagnostic(Display(full), 1, Severity.Error, "no such file or folder"));
            }
        }

        return units.OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => UnitFrom(entry.Key, entry.Value.Whole, entry.Value.Files, Display, diagnostics))
            .ToList();
    }

    private static bool IsUnitFolder(string folder) =>
        File.Exists(Path.Combine(folder, "unit.md")) || File.Exists(Path.Combine(folder, "test.md")) || Directory.Exists(Path.Combine(folder, "items"));

    private static bool IsReadme(string file) => string.Equals(Path.GetFileName(file), "README.md", StringComparison.OrdinalIgnoreCase);

    private static UnitSource UnitFrom(string folder, bool whole, List<string> singles, Func<string, string> display, List<Diagnostic> diagnostics)
    {
        var unitFile = Path.Combine(folder, "unit.md");
        var testFile = Path.Combine(folder, "test.md");
        var itemsFolder = Path.Combine(folder, "items");
        List<string> items, tests;
        if (whole)
        {
            items = Directory.Exists(itemsFolder)
                ? Safe(() => Directory.GetFiles(itemsFolder, "*.md", SearchOption.AllDirectories), itemsFolder, display, diagnostics).ToList()
                : [];
            tests = File.Exists(testFile) ? [testFile] : [];
            foreach (var stray in Safe(() => Directory.GetFiles(folder, "*.md"), folder, display, diagnostics)
                         .Where(file => Path.GetFileName(file) is not ("unit.md" or "test.md") && !IsReadme(file)).Order(StringComparer.Ordinal))
            {
                diagnostics.Add(new Diagnostic(display(stray), 1, Severity.Warning, "not loaded: an item goes in items/, a blueprint in test.md"));
            }
        }
        else
        {
            items = singles.Where(file => Path.GetFileName(file) is not ("unit.md" or "test.md")).ToList();
            tests = singles.Where(file => Path.GetFileName(file) == "test.md").ToList();
        }

        var bankRoot = Path.GetDirectoryName(folder) ?? folder;
        var fullByDisplay = items.ToDictionary(display, file => file, StringComparer.Ordinal);
        bool ImageExists(string itemPath, string url)
        {
            if (!fullByDisplay.TryGetValue(itemPath, out var itemFull))
            {
                return false;
            }

            try
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(itemFull)!, Uri.UnescapeDataString(url.Split('#', '?')[0])));
                return target.StartsWith(bankRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(target);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException or UriFormatException)
            {
                return false;
            }
        }

        return new UnitSource(
            Path.GetFileName(folder),
            display(unitFile),
            File.Exists(unitFile) ? FileSource(unitFile, display) : null,
            tests.Order(StringComparer.Ordinal).Select(file => FileSource(file, display)).ToList(),
            items.Order(StringComparer.Ordinal).Select(file => FileSource(file, display)).ToList(),
            Partial: !whole,
            ImageExists)
        {
            Briefs = whole && Directory.Exists(Path.Combine(folder, "briefs"))
                ? [.. Safe(() => Directory.GetFiles(Path.Combine(folder, "briefs"), "*.md"), folder, display, diagnostics).Order(StringComparer.Ordinal).Select(file => FileSource(file, display))]
                : [],
        };
    }

    private static BankFile FileSource(string full, Func<string, string> display) => new(display(full), report =>
    {
        try
        {
            var length = new FileInfo(full).Length;
            if (length > SourceText.MaxBytes)
            {
                report.Error(1, $"the file is {length:N0} bytes; an item-bank file must be at most {SourceText.MaxBytes:N0} bytes");
                return null;
            }

            return File.ReadAllBytes(full);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            report.Error(1, $"cannot be read: {exception.Message}");
            return null;
        }
    });

    private static string[] Safe(Func<string[]> list, string folder, Func<string, string> display, List<Diagnostic> diagnostics)
    {
        try
        {
            return list();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic(display(folder), 1, Severity.Error, $"cannot be listed: {exception.Message}"));
            return [];
        }
    }
}

internal static class MemorySources
{
    /// <summary>The unit folders of the files; files in a qualifications folder at the top go to <paramref name="qualifications"/>.</summary>
    public static IReadOnlyList<UnitSource> Find(IReadOnlyDictionary<string, byte[]> files, bool wholeUnits, List<Diagnostic> diagnostics, List<BankFile> qualifications)
    {
        var normalised = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, bytes) in files)
        {
            var path = Normalise(key);
            if (path.Length > 0 && !normalised.TryAdd(path, bytes ?? []))
            {
                diagnostics.Add(new Diagnostic(path, 1, Severity.Error, "the same path is given twice"));
            }
        }

        var units = new SortedDictionary<string, (List<string> Items, List<string> Tests, List<string> Briefs)>(StringComparer.Ordinal);
        foreach (var path in normalised.Keys.Where(path => path.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            var folder = BankPaths.Folder(path);
            if (string.Equals(name, "README.md", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (folder == QualificationFiles.Folder)
            {
                qualifications.Add(new BankFile(path, _ => normalised[path]));
                continue;
            }

            var brief = folder == "briefs" || folder.EndsWith("/briefs", StringComparison.Ordinal);
            var unitFolder = name is "unit.md" or "test.md" ? folder : brief ? BankPaths.Folder(folder) : UnitFolderOfItem(folder);
            if (!units.TryGetValue(unitFolder, out var unit))
            {
                unit = ([], [], []);
                units[unitFolder] = unit;
            }

            if (brief)
            {
                unit.Briefs.Add(path);
            }
            else if (name == "test.md")
            {
                unit.Tests.Add(path);
            }
            else if (name != "unit.md")
            {
                unit.Items.Add(path);
            }
        }

        bool ImageExists(string itemPath, string url)
        {
            // Any folder above the unit folders is the bank; an upload's root is its bank.
            var resolved = BankPaths.Resolve(BankPaths.Folder(itemPath), url, int.MaxValue / 2);
            return resolved is not null && normalised.ContainsKey(resolved);
        }

        BankFile Source(string path) => new(path, _ => normalised[path]);

        return units.Select(entry =>
        {
            var unitFile = entry.Key.Length == 0 ? "unit.md" : entry.Key + "/unit.md";
            return new UnitSource(
                entry.Key.Length == 0 ? "" : entry.Key[(entry.Key.LastIndexOf('/') + 1)..],
                unitFile,
                normalised.ContainsKey(unitFile) ? Source(unitFile) : null,
                entry.Value.Tests.Select(Source).ToList(),
                entry.Value.Items.Select(Source).ToList(),
                Partial: !wholeUnits,
                ImageExists)
            {
                Briefs = [.. entry.Value.Briefs.Select(Source)],
            };
        }).ToList();
    }

    private static string UnitFolderOfItem(string folder)
    {
        // <unit>/items/<...>/x.md belongs to <unit>; a file elsewhere belongs to its own folder.
        var segments = folder.Length == 0 ? [] : folder.Split('/');
        var items = Array.LastIndexOf(segments, "items");
        return items < 0 ? folder : string.Join('/', segments.Take(items));
    }

    private static string Normalise(string key)
    {
        var path = (key ?? "").Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path.TrimStart('/');
    }
}
