using System.Text;
using FsCheck;
using FsCheck.Xunit;

namespace AssessmentEngine.ItemBank.Tests;

/// <summary>
/// Load never throws, whatever the bytes: random bytes, and valid items, unit.md and test.md mutated at random.
/// Every diagnostic points at a real line of its file. The loader's last-resort catch ("please report this") must
/// never be what saved it: the parsers themselves have to cope.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Seeds =
    [
        TestBank.Single("f-1"),
        TestBank.Extended("f-1"),
        "---\nid: f-1\ntype: multiple\nstatements: [\"1.1\", \"1.2\"]\nmarks: 2\nscoring: partial\n---\nPick.\n\n- [x] A\n- [ ] B\n- [x] C\n\n## Feedback\nWhy.\n",
        "---\nid: f-1\ntype: truefalse\nstatements: [\"1.1\"]\nmarks: 1\n---\nTrue?\n\n- [x] True\n- [ ] False\n",
        "---\nid: f-1\ntype: match\nstatements: [\"1.1\"]\ndistractors: [Z]\n---\nMatch.\n\n| Prompt | Answer |\n| --- | --- |\n| A | 1 |\n| B | 2 |\n",
        "---\nid: f-1\ntype: short\nstatements: [\"1.1\"]\nmarks: 1\nvalid_until: 2030-01-01\n---\nName it.\n\n## Accepted answers\n- It\n- That\n",
        "---\nid: f-1\ntype: extended\nstatements: [\"2.1\"]\nmarks: 6\nwords: [100, 300]\n---\n![c](images/c.png) Explain [this](https://www.gov.uk).\n\n## Marking guidance\n- 1 mark\n",
    ];

    private const string TestMd = "---\ntest: t-1\ntitle: T\nduration_minutes: 30\ntime_limit: hard\npass_percent: 60\noccasions: 2\nsections:\n  - outcome: 1\n    items: 1\n    types: [single, multiple]\n  - outcome: 2\n    marks: 4\n---\nYou may use notes.\n";

    private static readonly string[] Tokens =
        ["---", "\n", "\r\n", "\r", "[", "]", "{", "}", "|", "*", "**", "#", "## Feedback", "## Marking guidance", "## Accepted answers", "`", "```", "- [x] ", "- [ ] ", ":", "\"", "'",
         "<", ">", "<script>", "&#", "\uFEFF", "\t", "  ", "- ", "1.", "&", "!", "(", ")", "...", "%", "@", "*a", "\\", "id: ", "type: ", "marks: ", "statements: [", "| --- |",
         "> ", "    ", "~~", "^", "<!--", "![x](", "[x]: ", "\u0000", "\u202E", "\uD800", "ü", "😀", "\n\n\n", "outcome: ", "items: ", "-1", "99999999999999999999"];

    private static Gen<string> Mutated(string seed) =>
        from count in Gen.Choose(1, 6)
        from ops in Gen.ArrayOf(count, Gen.Zip(Gen.Choose(0, 3), Gen.Zip(Gen.Choose(0, 10_000), Gen.Zip(Gen.Choose(0, 40), Gen.Elements(Tokens)))))
        select ops.Aggregate(seed, (text, op) => Apply(text, op.Item1, op.Item2.Item1, op.Item2.Item2.Item1, op.Item2.Item2.Item2));

    private static string Apply(string text, int kind, int at, int length, string token)
    {
        var position = text.Length == 0 ? 0 : at % (text.Length + 1);
        var span = Math.Min(length, text.Length - position);
        return kind switch
        {
            0 => text.Insert(position, token),
            1 => text.Remove(position, span),
            2 => text.Insert(position, text.Substring(position, span)),
            _ => text[..position] + token + text[(position + span)..],
        };
    }

    private static Arbitrary<byte[]> RandomBytes() =>
        Arb.From(Gen.Sized(size => Gen.Choose(0, size * 20).SelectMany(length => Gen.ArrayOf(length, Gen.Choose(0, 255).Select(b => (byte)b)))));

    private static Arbitrary<(string Item, string Unit, string Test)> MutatedBank() =>
        Arb.From(
            from seed in Gen.Elements(Seeds)
            from item in Mutated(seed)
            from mutateUnit in Gen.Frequency(Tuple.Create(3, Gen.Constant(false)), Tuple.Create(1, Gen.Constant(true)))
            from unit in mutateUnit ? Mutated(TestBank.UnitMd) : Gen.Constant(TestBank.UnitMd)
            from test in Mutated(TestMd)
            select (item, unit, test));

    [Property(MaxTest = 3000)]
    public Property Random_bytes_as_an_item_never_throw() =>
        Prop.ForAll(RandomBytes(), bytes => Holds(TestBank.WithTestUnit().WithSingle("ok-1").WithBytes("u/items/f-1.md", bytes)));

    [Property(MaxTest = 3000)]
    public Property Random_bytes_as_unit_md_and_test_md_never_throw() =>
        Prop.ForAll(RandomBytes(), RandomBytes(), (unit, test) =>
            Holds(new TestBank().WithBytes("u/unit.md", unit).WithBytes("u/test.md", test).WithSingle("ok-1")));

    [Property(MaxTest = 3000)]
    public Property Mutated_items_unit_md_and_test_md_never_throw() =>
        Prop.ForAll(MutatedBank(), bank =>
            Holds(new TestBank().With("u/unit.md", bank.Unit).With("u/test.md", bank.Test).With("u/items/f-1.md", bank.Item).WithSingle("ok-1")));

    [Property(MaxTest = 3000)]
    public Property Mutated_items_with_crlf_and_a_bom_never_throw() =>
        Prop.ForAll(MutatedBank(), bank =>
            Holds(TestBank.WithTestUnit().WithBytes("u/items/f-1.md", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(bank.Item.ReplaceLineEndings("\r\n"))])));

    /// <summary>A mutated extended item a fresh-clone run found (seed kept so the case is replayed on every run).</summary>
    [Property(MaxTest = 3000, Replay = "1559866480,297707525")]
    public Property A_mutated_extended_item_found_by_a_run_never_throws() =>
        Prop.ForAll(MutatedBank(), bank =>
            Holds(TestBank.WithTestUnit().WithBytes("u/items/f-1.md", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(bank.Item.ReplaceLineEndings("\r\n"))])));

    [Property(MaxTest = 300)]
    public Property Loading_mutated_files_from_disk_never_throws() =>
        Prop.ForAll(MutatedBank(), bank =>
        {
            var root = Directory.CreateTempSubdirectory("ae-fuzz-").FullName;
            try
            {
                Directory.CreateDirectory(Path.Combine(root, "u", "items"));
                File.WriteAllBytes(Path.Combine(root, "u", "unit.md"), Encoding.UTF8.GetBytes(bank.Unit));
                File.WriteAllBytes(Path.Combine(root, "u", "test.md"), Encoding.UTF8.GetBytes(bank.Test));
                File.WriteAllBytes(Path.Combine(root, "u", "items", "f-1.md"), Encoding.UTF8.GetBytes(bank.Item));
                var load = ItemBankLoader.Load([root], root, new LoadOptions(TestBank.Today));
                var bad = load.Diagnostics.FirstOrDefault(d => d.Line < 1 || d.Message.Contains("please report", StringComparison.Ordinal));
                return bad is null ? true : throw new InvalidOperationException($"bad diagnostic: {bad}");
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        });

    [Fact]
    public void Deeply_nested_markdown_and_yaml_do_not_overflow_the_stack()
    {
        var nested = TestBank.WithTestUnit()
            .With("u/items/a.md", "---\nid: a\n---\n" + new string('>', 100_000))
            .With("u/items/b.md", "---\nid: b\n---\n" + string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i * 2 % 400) + "- x\n")))
            .With("u/items/c.md", "---\nid: " + new string('[', 50_000) + "\n---\nx")
            .With("u/items/d.md", "---\nid: d\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\n" + string.Concat(Enumerable.Repeat("<div>", 50_000)) + "\n\n- [x] A\n- [ ] B")
            .With("u/items/e.md", "---\nid: e\n---\n" + string.Concat(Enumerable.Repeat("*a ", 50_000)) + string.Concat(Enumerable.Repeat("[", 50_000)));

        Assert.True(Holds(nested));
    }

    private static bool Holds(TestBank bank)
    {
        var load = bank.Load();
        foreach (var diagnostic in load.Diagnostics)
        {
            var lines = bank.Files.TryGetValue(diagnostic.Path, out var bytes) ? bytes.Count(b => b == (byte)'\n') + 1 : 1;
            if (diagnostic.Line < 1 || diagnostic.Line > lines || diagnostic.Message.Contains("please report", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"bad diagnostic: {diagnostic} (file has {lines} line(s))");
            }
        }

        return true;
    }
}
