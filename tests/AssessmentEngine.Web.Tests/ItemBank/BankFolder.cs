namespace AssessmentEngine.Web.Tests.ItemBank;

/// <summary>A throw-away item bank on disk: a copy of a real one, or a small unit written by the test.</summary>
public sealed class BankFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ae-bank-").FullName;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AssessmentEngine.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("the repository root (the folder with AssessmentEngine.sln) was not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A copy of the repository's whole item bank, so tests can edit it freely.</summary>
    public static BankFolder CopyOfTheRealBank()
    {
        var folder = new BankFolder();
        var source = Path.Combine(RepositoryRoot, "itembank");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder.Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    /// <summary>A unit with two outcomes and one statement each, and <paramref name="items"/> single-answer items per statement.</summary>
    public static BankFolder SmallUnit(string code = "TEST 01", int items = 2)
    {
        var folder = new BankFolder();
        var slug = code.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        folder.Write($"{slug}/unit.md", $"""
            ---
            unit: {code}
            title: A unit for tests
            awarding_body: SQA
            level: SCQF 7
            aliases: []
            policy:
              window_weeks: 6
              open_book: true
              invigilated: true
            ---
            # Outcome 1: Know the first thing
            - **1.1** Explain the first thing

            # Outcome 2: Know the second thing
            - **2.1** Explain the second thing
            """);
        foreach (var statement in new[] { "1.1", "2.1" })
        {
            for (var n = 1; n <= items; n++)
            {
                folder.WriteItem(slug, $"{slug}-{statement}-{n:000}", statement, $"Question {n} on statement {statement}?");
            }
        }

        return folder;
    }

    public string WriteItem(string unitFolder, string id, string statement, string stem) =>
        Write($"{unitFolder}/items/{id}.md", $"""
            ---
            id: {id}
            type: single
            statements: ["{statement}"]
            marks: 1
            ---
            {stem}

            - [ ] A wrong answer
            - [x] The right answer
            - [ ] Another wrong answer
            """);

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
