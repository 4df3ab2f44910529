using System.Text;

namespace AssessmentEngine.ItemBank.Tests;

/// <summary>An in-memory item bank built by a test: unit folders, items and blueprints as path → Markdown.</summary>
internal sealed class TestBank
{
    public static readonly DateOnly Today = new(2026, 6, 1);

    /// <summary>Line 17: 1.1, line 18: 1.2, line 21: 2.1, line 22: 2.2 (not online).</summary>
    public const string UnitMd = """
        ---
        unit: TEST 01
        title: A unit for tests
        awarding_body: SQA
        level: SCQF 7
        aliases: []
        policy:
          window_weeks: 6
          open_book: true
          invigilated: true
        methods:
          - method: online_test
            covers: ["1", "2"]
            seed: "test.txt:1"
        ---
        # Outcome 1: Know things
        - **1.1** Explain the first thing
        - **1.2** Explain the second thing

        # Outcome 2: Do things
        - **2.1** Explain the third thing
        - **2.2** Show the fourth thing (not online)
        """;

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, byte[]> Files => _files;

    /// <summary>A bank with the test unit in folder "u" and nothing else.</summary>
    public static TestBank WithTestUnit() => new TestBank().With("u/unit.md", UnitMd);

    public TestBank With(string path, string text) => WithBytes(path, Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n") + "\n"));

    public TestBank WithBytes(string path, byte[] bytes)
    {
        _files[path] = bytes;
        return this;
    }

    public TestBank WithItem(string id, string markdown) => With($"u/items/{id}.md", markdown);

    public TestBank WithSingle(string id, string statement = "1.1", int marks = 1) => WithItem(id, Single(id, statement, marks));

    public BankLoad Load(bool wholeUnits = true) => ItemBankLoader.LoadFiles(_files, new LoadOptions(Today, wholeUnits));

    public static string Single(string id, string statement = "1.1", int marks = 1) => $"""
        ---
        id: {id}
        type: single
        statements: ["{statement}"]
        marks: {marks}
        ---
        Which answer fits statement {statement}?

        - [ ] A wrong answer
        - [x] The right answer
        - [ ] Another wrong answer
        """;

    public static string Extended(string id, string statement = "1.1", int marks = 4) => $"""
        ---
        id: {id}
        type: extended
        statements: ["{statement}"]
        marks: {marks}
        ---
        Explain {statement} with an example.

        ## Marking guidance
        - 1 mark per relevant point.
        """;
}

internal static class Diagnostics
{
    /// <summary>Asserts that the load reports exactly this line, showing everything it did report when it does not.</summary>
    public static void Reports(this BankLoad load, string expected)
    {
        var lines = load.Diagnostics.Select(diagnostic => diagnostic.ToString()).ToList();
        Assert.True(lines.Contains(expected), $"expected:\n  {expected}\nreported:\n  {string.Join("\n  ", lines)}");
    }

    public static void DoesNotReport(this BankLoad load, string fragment)
    {
        var lines = load.Diagnostics.Select(diagnostic => diagnostic.ToString()).ToList();
        Assert.False(lines.Any(line => line.Contains(fragment, StringComparison.Ordinal)), $"did not expect '{fragment}' in:\n  {string.Join("\n  ", lines)}");
    }

    public static Item TheItem(this BankLoad load, string id)
    {
        var item = load.Units.SelectMany(unit => unit.Items).SingleOrDefault(candidate => candidate.Id == id);
        Assert.True(item is not null, $"item {id} was left out:\n  {string.Join("\n  ", load.Diagnostics)}");
        return item!;
    }
}
