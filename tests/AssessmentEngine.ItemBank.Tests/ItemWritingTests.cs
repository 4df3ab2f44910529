namespace AssessmentEngine.ItemBank.Tests;

/// <summary>
/// The item-writing checks (itembank/README.md): each flaw, as a file that shows it, is reported at its line with the
/// reason; the same item written well reports nothing.
/// </summary>
public sealed class ItemWritingTests
{
    private static string File(string type, string extraFrontMatter, string body) =>
        $"---\nid: x\ntype: {type}\nstatements: [\"1.1\"]\nmarks: 2\n{extraFrontMatter}---\n" + body;

    public static TheoryData<string, string> Flaws() => new()
    {
        {
            File("single", "", "What does a service level agreement set out?\n\n- [ ] A price\n- [x] The standard of service each side has agreed to keep, and what happens when it is not kept\n- [ ] A logo\n"),
            "u/items/x.md:10: warning: the key is much the longest option (90 characters; the longest distractor has 7): make the options similar in length"
        },
        {
            File("single", "", "How should a complaint be handled?\n\n- [x] Promptly and fairly\n- [ ] Never in writing\n- [ ] By the manager\n"),
            "u/items/x.md:10: warning: the distractor 'Never in writing' says 'never': absolute words mark an option as wrong; reword it"
        },
        {
            File("multiple", "", "Which are channels?\n\n- [x] Telephone\n- [x] Email\n- [ ] Only face to face\n"),
            "u/items/x.md:11: warning: the distractor 'Only face to face' says 'only': absolute words mark an option as wrong; reword it"
        },
        {
            File("single", "", "Which body, the Information Commissioner's Office, regulates data protection?\n\n- [ ] The Competition and Markets Authority\n- [x] The Information Commissioner's Office\n- [ ] Trading Standards\n"),
            "u/items/x.md:10: warning: the stem names its own answer: the key 'The Information Commissioner's Office' is in the question"
        },
        {
            File("single", "", "Which term names the whole experience a customer has across a journey with a brand?\n\n- [ ] Service recovery\n- [x] The customer journey map\n- [ ] Net promoter score\n"),
            "u/items/x.md:10: warning: the key repeats 'journey' from the stem and no distractor does: the echo points at the answer; reword the key or use the word in a distractor"
        },
        {
            File("short", "", "Which body, known as the EHRC, enforces equality law?\n\n## Accepted answers\n- Equality and Human Rights Commission\n- EHRC\n"),
            "u/items/x.md:9: warning: the stem names its own answer: the accepted answer 'EHRC' is in the question"
        },
        {
            File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n"),
            "u/items/x.md:3: warning: a match item has 0 distractor(s): give at least 2 answers that match no prompt (distractors: [...]), or the last pair is free"
        },
        {
            File("match", "distractors: [\"Three\"]\n", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n"),
            "u/items/x.md:6: warning: a match item has 1 distractor(s): give at least 2 answers that match no prompt (distractors: [...]), or the last pair is free"
        },
        {
            File("single", "", "What does a service level agreement set out?\n\n- [ ] The price of each service and how it is invoiced\n- [x] The standard of service each side has agreed to keep\n- [ ] Which staff will deliver the service each day\n").Replace("marks: 2", "marks: 4", StringComparison.Ordinal),
            "u/items/x.md:5: warning: an auto-marked item is worth 4 marks: at most 3, so one guess or slip cannot swing a form; split it into smaller items or ask for a written answer"
        },
        {
            File("match", "distractors: [\"Three\", \"Four\"]\n", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n| C | Five |\n| D | Six |\n").Replace("marks: 2\n", "", StringComparison.Ordinal),
            "u/items/x.md:3: warning: an auto-marked item is worth 4 marks: at most 3, so one guess or slip cannot swing a form; split it into smaller items or ask for a written answer"
        },
    };

    [Theory]
    [MemberData(nameof(Flaws))]
    public void Each_flaw_is_reported_at_its_line_with_the_reason(string markdown, string expected)
    {
        TestBank.WithTestUnit().WithItem("x", markdown).Load().Reports(expected);
    }

    public static TheoryData<string> WellWritten() => new()
    {
        File("single", "", "What does a service level agreement set out?\n\n- [ ] The price of each service and how it is invoiced\n- [x] The standard of service each side has agreed to keep\n- [ ] Which staff will deliver the service each day\n"),
        File("multiple", "", "Which are channels?\n\n- [x] Telephone\n- [x] Email\n- [ ] A mission statement\n"),
        File("single", "", "Which term names the whole experience a customer has across a journey with a brand?\n\n- [ ] The service recovery plan\n- [x] The touchpoint map\n- [ ] The net promoter score\n"),
        File("short", "", "Which body enforces equality law in Great Britain?\n\n## Accepted answers\n- Equality and Human Rights Commission\n- EHRC\n"),
        File("extended", "", "Explain how a service level agreement helps two teams keep their promises to customers.\n\n## Marking guidance\nUp to 8 marks.\n").Replace("marks: 2", "marks: 8", StringComparison.Ordinal),
        File("match", "distractors: [\"Three\", \"Four\"]\n", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n"),
    };

    [Theory]
    [MemberData(nameof(WellWritten))]
    public void The_same_items_written_well_report_nothing(string markdown)
    {
        var load = TestBank.WithTestUnit().WithItem("x", markdown).Load(wholeUnits: false);

        Assert.Empty(load.Diagnostics);
    }

    private static string TrueFalse(string id, bool trueIsKey) =>
        $"---\nid: {id}\ntype: truefalse\nstatements: [\"1.1\"]\nmarks: 1\n---\nIs statement {id} so?\n\n- [{(trueIsKey ? "x" : " ")}] True\n- [{(trueIsKey ? " " : "x")}] False\n";

    private static string LongKey(string id, bool keyLongest) =>
        $"---\nid: {id}\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\nPick option {id}.\n\n- [x] {(keyLongest ? "Answer twelve" : "Answer")}\n- [ ] Option ten\n- [ ] Option nine\n";

    [Fact]
    public void A_bank_whose_true_false_keys_are_lopsided_is_told_so_and_a_balanced_one_is_not()
    {
        var lopsided = TestBank.WithTestUnit().WithSingle("s-1", "1.1").WithSingle("s-2", "2.1");
        var balanced = TestBank.WithTestUnit().WithSingle("s-1", "1.1").WithSingle("s-2", "2.1");
        for (var n = 0; n < 10; n++)
        {
            lopsided.WithItem($"tf-{n}", TrueFalse($"tf-{n}", trueIsKey: n < 7));
            balanced.WithItem($"tf-{n}", TrueFalse($"tf-{n}", trueIsKey: n < 5));
        }

        lopsided.Load().Reports("u/unit.md:2: warning: True is the key of 7 of 10 true/false items (70%): keep it between 40% and 60%, or guessing the usual key pays");
        balanced.Load().DoesNotReport("True is the key");
    }

    [Fact]
    public void A_bank_whose_keys_are_too_often_the_longest_option_is_told_how_often()
    {
        var often = TestBank.WithTestUnit().WithSingle("s-1", "1.1").WithSingle("s-2", "2.1");
        var seldom = TestBank.WithTestUnit().WithSingle("s-1", "1.1").WithSingle("s-2", "2.1");
        for (var n = 0; n < 7; n++)
        {
            often.WithItem($"k-{n}", LongKey($"k-{n}", keyLongest: n < 4));
            seldom.WithItem($"k-{n}", LongKey($"k-{n}", keyLongest: n < 1));
        }

        // With the test unit's two plain items (their key is not the longest): 4 of 9.
        often.Load().Reports("u/unit.md:2: warning: the key is the longest option in 4 of 9 single-choice items (44%): keep it to a third or fewer, or length tells candidates the answer");
        seldom.Load().DoesNotReport("the key is the longest option in");
    }
}

/// <summary>Enemy items: an item names the items it must never share a form with (excludes:), and both must say so.</summary>
public sealed class EnemyItemLintTests
{
    private static string Single(string id, string excludes) =>
        $"---\nid: {id}\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n{excludes}---\nWhich option suits statement {id}?\n\n- [ ] A wrong answer\n- [x] The right answer\n- [ ] Another wrong answer\n";

    [Fact]
    public void Items_that_name_each_other_report_nothing_and_the_sampler_sees_both_ways()
    {
        var load = TestBank.WithTestUnit().WithSingle("s-2", "2.1")
            .WithItem("e-1", Single("e-1", "excludes: [e-2]\n")).WithItem("e-2", Single("e-2", "excludes: [e-1]\n")).Load();

        load.DoesNotReport("excludes");
        Assert.Equal(["e-2"], load.TheItem("e-1").Excludes);
        Assert.Equal(["e-1"], load.TheItem("e-2").Excludes);
    }

    public static TheoryData<string, string, string> Flaws() => new()
    {
        { "excludes: [e-2]\n", "", "u/items/e-1.md:6: warning: excludes 'e-2', but 'e-2' does not exclude 'e-1': name each other (add excludes: [e-1] to e-2)" },
        { "excludes: [e-9]\n", "", "u/items/e-1.md:6: warning: excludes 'e-9', which is not an item of unit TEST 01" },
        { "excludes: [e-1]\n", "", "u/items/e-1.md:6: error: an item cannot exclude itself" },
        { "excludes: [\"Not An Id\"]\n", "", "u/items/e-1.md:6: error: excludes names 'Not An Id', which is not an item id" },
        { "excludes: {e-2: yes}\n", "", "u/items/e-1.md:6: error: excludes must list the ids of items this one must never appear with, e.g. excludes: [fe6v35-1.1-006]" },
    };

    [Theory]
    [MemberData(nameof(Flaws))]
    public void A_one_sided_unknown_or_malformed_exclusion_is_reported_at_its_line(string first, string second, string expected)
    {
        TestBank.WithTestUnit().WithSingle("s-2", "2.1").WithItem("e-1", Single("e-1", first)).WithItem("e-2", Single("e-2", second)).Load().Reports(expected);
    }
}

/// <summary>The six deep banks as moderators would count them: the key's length and the true/false keys give nothing away.</summary>
public sealed class DeepBankItemWritingTests
{
    private static readonly string[] Folders = ["fe6v35", "cg-305-695", "cg-4417-301", "cg-4417-302", "ocr-03456-f3", "ocr-03456-f4"];

    public static TheoryData<string> DeepBanks() => [.. Folders];

    [Theory]
    [MemberData(nameof(DeepBanks))]
    public void The_key_is_the_longest_option_in_at_most_a_third_of_single_choice_items_and_true_is_the_key_of_40_to_60_percent(string folder)
    {
        var unit = Sampling.SamplingBanks.RealUnit(folder);
        var singles = unit.Items.Where(item => item.Type == ItemType.Single).ToList();
        var longest = singles.Count(ItemWriting.KeyIsLongest);
        Assert.True(longest * 3 <= singles.Count, $"{folder}: the key is the longest option in {longest} of {singles.Count} single-choice items");

        var trueFalse = unit.Items.Where(item => item.Type == ItemType.TrueFalse).ToList();
        var trueKeys = trueFalse.Count(item => item.Options.Single(option => option.Correct).Html.Contains("True", StringComparison.Ordinal));
        Assert.InRange(100.0 * trueKeys / trueFalse.Count, 40, 60);
    }

    [Fact]
    public void The_deep_banks_report_no_item_writing_warning()
    {
        var root = Sampling.SamplingBanks.RepositoryRoot();
        var load = ItemBankLoader.Load(Folders.Select(folder => Path.Combine(root, "itembank", folder)), root, new LoadOptions(Sampling.SamplingBanks.Today));
        Assert.Empty(load.Diagnostics);
    }
}
