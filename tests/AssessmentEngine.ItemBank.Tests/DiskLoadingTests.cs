using System.Text;

namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Loading from disk: bank roots, unit folders and single files, with paths relative to the given folder.</summary>
public sealed class DiskLoadingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ae-bank-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));

    private string WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void WriteUnit()
    {
        Write("bank/u/unit.md", TestBank.UnitMd);
        Write("bank/u/items/u-1.1-001.md", TestBank.Single("u-1.1-001"));
        Write("bank/u/items/u-1.2-001.md", TestBank.Single("u-1.2-001", "1.2"));
        Write("bank/u/items/u-2.1-001.md", TestBank.Single("u-2.1-001", "2.1"));
    }

    [Fact]
    public void A_bank_root_loads_every_unit_folder_with_paths_relative_to_the_given_folder()
    {
        WriteUnit();
        Write("bank/README.md", "# Authoring guide");
        var load = ItemBankLoader.Load([Path.Combine(_root, "bank")], _root, new LoadOptions(TestBank.Today));

        Assert.Empty(load.Diagnostics);
        var unit = Assert.Single(load.Units);
        Assert.Equal("u", unit.Folder);
        Assert.Equal(["bank/u/items/u-1.1-001.md", "bank/u/items/u-1.2-001.md", "bank/u/items/u-2.1-001.md"], unit.Items.Select(item => item.SourcePath));
    }

    [Fact]
    public void A_unit_folder_and_the_bank_root_given_together_load_the_unit_once()
    {
        WriteUnit();
        var load = ItemBankLoader.Load([Path.Combine(_root, "bank"), Path.Combine(_root, "bank", "u")], _root, new LoadOptions(TestBank.Today));

        Assert.Empty(load.Diagnostics);
        Assert.Equal(3, Assert.Single(load.Units).Items.Count);
    }

    [Fact]
    public void A_single_item_file_is_checked_against_its_units_unit_md_without_unit_wide_warnings()
    {
        WriteUnit();
        var path = Write("bank/u/items/u-1.1-002.md", TestBank.Single("u-1.1-002", "9.9"));
        var load = ItemBankLoader.Load([path], _root, new LoadOptions(TestBank.Today));

        Assert.Equal(["bank/u/items/u-1.1-002.md:4: error: statement '9.9' is not in bank/u/unit.md (unit TEST 01)"], load.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void A_folder_without_unit_md_and_a_missing_path_are_reported_not_thrown()
    {
        WriteUnit();
        Write("bank/orphan/items/x.md", TestBank.Single("x"));
        var load = ItemBankLoader.Load([Path.Combine(_root, "bank"), Path.Combine(_root, "nowhere")], _root, new LoadOptions(TestBank.Today));

        load.Reports("bank/orphan/unit.md:1: error: this unit folder has no unit.md (the unit's codes, outcomes and statements); its items cannot be checked against it");
        load.Reports("nowhere:1: error: no such file or folder");
    }

    [Fact]
    public void Markdown_files_outside_unit_folders_and_folders_without_units_are_warnings()
    {
        WriteUnit();
        Write("bank/notes.md", "# Notes");
        Write("bank/u/draft.md", TestBank.Single("draft"));
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        var load = ItemBankLoader.Load([Path.Combine(_root, "bank"), Path.Combine(_root, "empty")], _root, new LoadOptions(TestBank.Today));

        load.Reports("bank/notes.md:1: warning: not inside a unit folder, so not loaded: items go in <unit>/items/");
        load.Reports("bank/u/draft.md:1: warning: not loaded: an item goes in items/, a blueprint in test.md");
        load.Reports("empty:1: warning: no unit folders here (a unit folder holds unit.md, test.md and items/)");
    }

    [Fact]
    public void A_file_over_one_megabyte_on_disk_is_refused_before_it_is_read()
    {
        WriteUnit();
        using (var big = File.Create(Path.Combine(_root, "bank/u/items/big.md")))
        {
            big.SetLength(2 * 1024 * 1024);
        }

        var load = ItemBankLoader.Load([Path.Combine(_root, "bank")], _root, new LoadOptions(TestBank.Today));

        load.Reports("bank/u/items/big.md:1: error: the file is 2,097,152 bytes; an item-bank file must be at most 1,048,576 bytes");
    }

    [Fact]
    public void A_file_that_cannot_be_read_and_an_unusable_path_are_errors()
    {
        WriteUnit();
        File.CreateSymbolicLink(Path.Combine(_root, "bank/u/items/gone.md"), Path.Combine(_root, "nowhere.md"));
        var load = ItemBankLoader.Load([Path.Combine(_root, "bank"), "bad\0path"], _root, new LoadOptions(TestBank.Today));

        var unreadable = Assert.Single(load.Diagnostics, d => d.Path == "bank/u/items/gone.md");
        Assert.Equal((1, Severity.Error), (unreadable.Line, unreadable.Severity));
        Assert.StartsWith("cannot be read: ", unreadable.Message, StringComparison.Ordinal);
        var unusable = Assert.Single(load.Diagnostics, d => d.Path == "bad\0path");
        Assert.Equal((1, Severity.Error), (unusable.Line, unusable.Severity));
        Assert.StartsWith("not a usable path: ", unusable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bom_and_crlf_files_load_like_plain_ones()
    {
        WriteBytes("bank/u/unit.md", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(TestBank.UnitMd.ReplaceLineEndings("\r\n"))]);
        WriteBytes("bank/u/items/u-1.1-001.md", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(TestBank.Single("u-1.1-001").ReplaceLineEndings("\r\n"))]);
        Write("bank/u/items/u-1.2-001.md", TestBank.Single("u-1.2-001", "1.2"));
        Write("bank/u/items/u-2.1-001.md", TestBank.Single("u-2.1-001", "2.1"));

        var load = ItemBankLoader.Load([Path.Combine(_root, "bank")], _root, new LoadOptions(TestBank.Today));

        Assert.Empty(load.Diagnostics);
        Assert.Equal(3, load.Units.Single().Items.Count);
    }

    [Fact]
    public void Images_are_found_relative_to_the_item_and_never_outside_the_bank()
    {
        WriteUnit();
        WriteBytes("bank/u/items/images/chart.png", [1, 2, 3]);
        WriteBytes("secret.png", [1, 2, 3]);
        Write("bank/u/items/u-1.1-002.md", TestBank.Single("u-1.1-002").Replace("Which answer", "![ok](images/chart.png) ![out](../../../secret.png)\n\nWhich answer", StringComparison.Ordinal));

        var load = ItemBankLoader.Load([Path.Combine(_root, "bank")], _root, new LoadOptions(TestBank.Today));

        Assert.Equal(["bank/u/items/u-1.1-002.md:7: error: image '../../../secret.png' is not a file inside the bank"], load.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void The_real_item_bank_loads_without_errors_and_the_four_tested_units_are_deep_enough()
    {
        var root = RepositoryRoot();
        var load = ItemBankLoader.Load([Path.Combine(root, "itembank")], root);

        Assert.False(load.HasErrors, string.Join(Environment.NewLine, load.Diagnostics.Where(d => d.Severity == Severity.Error).Take(30)));
        // 4417 units 301 and 302 are assessed by an assignment (their methods), not an online test.
        string[] tested = ["FE6V 35", "305/695", "F3", "F4"];
        foreach (var code in tested)
        {
            var unit = Assert.Single(load.Units, u => u.Code == code);
            Assert.NotEmpty(unit.Blueprints);
            var below = Coverage.For(unit).Where(c => c.BelowDepth).Select(c => c.Reference).ToList();
            Assert.True(below.Count == 0, $"{code}: statements below depth: {string.Join(", ", below)}");
            Assert.All(unit.Statements.Where(s => s.Online), s => Assert.True(unit.Items.Count(i => i.Statements.Contains(s.Reference)) >= 4, $"{code} {s.Reference} has fewer than 4 items"));
        }

        var types = load.Units.Where(u => tested.Contains(u.Code)).SelectMany(u => u.Items).Select(i => i.Type).ToHashSet();
        Assert.Equal(Enum.GetValues<ItemType>().ToHashSet(), types);
    }

    [Fact]
    public void The_real_briefs_load_and_together_cover_every_statement_of_their_units()
    {
        var root = RepositoryRoot();
        var load = ItemBankLoader.Load([Path.Combine(root, "itembank")], root);

        Assert.False(load.HasErrors, string.Join(Environment.NewLine, load.Diagnostics.Where(d => d.Severity == Severity.Error).Take(30)));
        var briefed = load.Units.Where(u => u.Briefs.Count > 0).ToDictionary(u => u.Code);
        Assert.Equal(["305/695", "4417-03/301", "4417-03/302", "FE6V 35"], briefed.Keys.Order(StringComparer.Ordinal));
        foreach (var unit in briefed.Values)
        {
            var uncovered = unit.Statements.Select(s => s.Reference).Except(unit.Briefs.SelectMany(b => b.Covers)).ToList();
            Assert.True(uncovered.Count == 0, $"{unit.Code}: no brief covers {string.Join(", ", uncovered)}");
        }

        Assert.Equal((180, 180), (briefed["4417-03/301"].Briefs.Single().TimeLimitMinutes, briefed["4417-03/302"].Briefs.Single().TimeLimitMinutes));
        Assert.Equal(new WordRange(3000, 5000), briefed["305/695"].Briefs.Single().Words);
    }

    [Fact]
    public void The_real_qualifications_load_from_the_banks_qualifications_folder()
    {
        var root = RepositoryRoot();
        var load = ItemBankLoader.Load([Path.Combine(root, "itembank")], root);

        Assert.DoesNotContain(load.Diagnostics, d => d.Path.Contains("qualifications/", StringComparison.Ordinal));
        Assert.Equal(["03456", "4417-03", "G8NN 24"], load.Qualifications.Select(q => q.Code));
        var svq = load.Qualifications.Single(q => q.Code == "G8NN 24");
        Assert.Equal(16, svq.Units.Count);
        Assert.All(svq.Units, code => Assert.Contains(load.Units, u => u.Code == code));
        var optional = svq.Groups.Single(g => g.Name == "Optional");
        Assert.Equal((7, 4), (optional.Choose, optional.Themes.Count));
        Assert.Equal(13, load.Qualifications.Single(q => q.Code == "4417-03").MinCredits);
        // OCR's diploma: F3 and F4 in the bank, its 57 optional units listed from the specification, outside it.
        var ocr = load.Qualifications.Single(q => q.Code == "03456");
        Assert.Equal((59, 57, 42), (ocr.Units.Count, ocr.OutsideBank.Count, ocr.MinCredits));
        Assert.Equal(new LevelCredits(3, 10), ocr.Groups.Single(g => g.Name == "Optional").MinCreditsAtLevel);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AssessmentEngine.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (the folder with AssessmentEngine.sln) was not found above " + AppContext.BaseDirectory);
    }
}
