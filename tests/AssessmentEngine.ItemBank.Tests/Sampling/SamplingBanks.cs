using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.ItemBank.Tests.Sampling;

/// <summary>Banks and blueprints for sampler tests, built as records (no Markdown), random ones from a seed.</summary>
internal static class SamplingBanks
{
    public static readonly DateOnly Today = new(2026, 6, 1);

    private static readonly ItemType[] AllTypes = [ItemType.Single, ItemType.Multiple, ItemType.TrueFalse, ItemType.Match, ItemType.Short, ItemType.Extended];

    /// <summary>A unit with <paramref name="statementsPerOutcome"/>.Length outcomes; statement references are "o.s".</summary>
    public static Unit Unit(IReadOnlyList<Item> items, params int[] statementsPerOutcome) => new(
        "u", "TEST 01", "A unit for tests", "SQA", "SCQF 7", [], new UnitPolicy(6, true, true),
        [.. statementsPerOutcome.Select((count, o) => new Outcome(o + 1, $"Outcome {o + 1}",
            [.. Enumerable.Range(1, count).Select(s => new Statement($"{o + 1}.{s}", $"Statement {o + 1}.{s}", o + 1, true))]))],
        items, []);

    public static Blueprint Blueprint(params BlueprintSection[] sections) =>
        new("t", "Test", "TEST 01", 60, TimeLimit.Hard, 60, 3, sections, "<p>Go.</p>", "u/test.md");

    public static Item Item(string id, ItemType type, string[] statements, int marks = 1, bool shuffle = true, DateOnly? validUntil = null, int options = 4)
    {
        var choices = type switch
        {
            ItemType.Single or ItemType.Multiple => Enumerable.Range(0, options).Select(o => new Option(((char)('a' + o)).ToString(), $"<p>Option {o}</p>", o == 0)).ToList(),
            ItemType.TrueFalse => [new Option("a", "True", true), new Option("b", "False", false)],
            _ => [],
        };
        var pairs = type == ItemType.Match
            ? Enumerable.Range(0, options).Select(o => new MatchPair(((char)('a' + o)).ToString(), $"<p>Prompt {o}</p>", $"Answer {o}")).ToList()
            : [];
        IReadOnlyList<string> distractors = type == ItemType.Match ? ["Distractor"] : [];
        return new Item(id, "TEST 01", $"u/items/{id}.md", type, statements, marks, null, shuffle, validUntil, Scoring.AllOrNothing,
            null, null, $"<p>{id}</p>", choices, pairs, distractors, [], null, null, "hash-" + id, "");
    }

    /// <summary>
    /// A random bank and blueprint: 1–3 outcomes of 1–5 statements, 4–60 items of every type (some past valid_until,
    /// some unshuffled, some on two statements), and 1–4 sections by items or by marks, sometimes restricted by type.
    /// With <paramref name="sectionsApart"/> each section has its own outcome and counts items, so no item may serve two.
    /// </summary>
    public static (Unit Unit, Blueprint Blueprint) RandomCase(int seed, bool sectionsApart = false)
    {
        var random = new Random(seed);
        var statements = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 6)).ToArray();
        var items = new List<Item>();
        for (var n = random.Next(4, 61); items.Count < n;)
        {
            var outcome = random.Next(statements.Length) + 1;
            var references = new List<string> { $"{outcome}.{random.Next(statements[outcome - 1]) + 1}" };
            if (random.Next(5) == 0)
            {
                var other = random.Next(statements.Length) + 1;
                references.Add($"{other}.{random.Next(statements[other - 1]) + 1}");
            }

            items.Add(Item($"i-{items.Count:000}", AllTypes[random.Next(AllTypes.Length)], [.. references.Distinct()], random.Next(1, 5),
                shuffle: random.Next(5) != 0, validUntil: random.Next(8) == 0 ? new DateOnly(2026, 1, 1) : null, options: random.Next(2, 6)));
        }

        var sectionCount = sectionsApart ? statements.Length : random.Next(1, 5);
        var sections = Enumerable.Range(0, sectionCount).Select(k => new BlueprintSection(
            sectionsApart ? k + 1 : random.Next(statements.Length) + 1,
            sectionsApart || random.Next(3) != 0 ? random.Next(1, 5) : null,
            null,
            !sectionsApart && random.Next(2) == 0 ? [.. AllTypes.Where(_ => random.Next(2) == 0).DefaultIfEmpty(ItemType.Single)] : null))
            .Select(section => section.Items is null ? section with { Marks = random.Next(1, 9) } : section).ToArray();
        return (Unit(items, statements), Blueprint(sections));
    }

    /// <summary>Some of the bank's current items, shown to the candidate on earlier occasions a week apart.</summary>
    public static CandidateHistory RandomHistory(Unit unit, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var shown = unit.Items.Where(_ => random.Next(3) == 0).Select(item => new ShownItem(item.Id, start.AddDays(7 * random.Next(3)))).ToList();
        var tested = shown.SelectMany(entry => unit.Items.First(item => item.Id == entry.ItemId).Statements).Distinct().ToList();
        return new CandidateHistory(shown, tested);
    }

    /// <summary>A form as one comparable string: every field, in order.</summary>
    public static string Describe(Form form) =>
        $"{form.BlueprintId}|{form.Seed}|" +
        string.Join(";", form.Items.Select(item => $"{item.ItemId}@{item.Section}:{string.Join(",", item.OptionOrder)}/{string.Join(",", item.AnswerOrder)}#{item.ContentHash}")) +
        $"|{string.Join(",", form.Reused)}|{string.Join(",", form.StatementsCovered)}|{string.Join(",", form.Notes)}";

    /// <summary>The root of the repository, found from the test binaries (the folder holding AssessmentEngine.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AssessmentEngine.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no AssessmentEngine.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The real unit in itembank/<paramref name="folder"/>, loaded (and linted) as on <see cref="Today"/>.</summary>
    public static Unit RealUnit(string folder)
    {
        var root = RepositoryRoot();
        var load = ItemBankLoader.Load([Path.Combine(root, "itembank", folder)], root, new LoadOptions(Today));
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return load.Units.Single();
    }

    /// <summary>Whether some of the marks (each used at most once) add up to <paramref name="target"/>.</summary>
    public static bool AddsUpTo(IEnumerable<int> marks, int target)
    {
        if (target < 0)
        {
            return false;
        }

        var reachable = new bool[target + 1];
        reachable[0] = true;
        foreach (var m in marks)
        {
            for (var t = target; t >= m; t--)
            {
                reachable[t] |= reachable[t - m];
            }
        }

        return reachable[target];
    }
}
