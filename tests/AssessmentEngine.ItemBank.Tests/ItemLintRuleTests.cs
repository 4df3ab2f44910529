namespace AssessmentEngine.ItemBank.Tests;

/// <summary>The remaining item rules, one failing file each, with the exact line reported (file: u/items/x.md).</summary>
public sealed class ItemLintRuleTests
{
    private static string File(string type, string extraFrontMatter, string body) =>
        $"---\nid: x\ntype: {type}\nstatements: [\"1.1\"]\nmarks: 2\n{extraFrontMatter}---\n" + body;

    public static TheoryData<string, string> Cases() => new()
    {
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n\nAnd:\n\n- [ ] C\n- [x] D\n"), "u/items/x.md:14: error: there is more than one task list: an item has one list of options" },
        { File("single", "", "Which?\n\n- [x] A\n- B\n"), "u/items/x.md:10: error: every option must start with '[ ]' or '[x]'" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ]\n"), "u/items/x.md:10: error: an option is empty" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] a\n"), "u/items/x.md:9: error: the option 'A' is given twice" },
        { File("single", "", "Which?\n\n- [x] A\n"), "u/items/x.md:9: error: a single item needs at least two options" },
        { File("single", "", "Which?\n\nNo options here.\n"), "u/items/x.md:9: error: a single item needs its options as a task list ('- [ ] wrong', '- [x] right')" },
        { File("multiple", "", "Which?\n\n- [x] A\n- [x] B\n"), "u/items/x.md:9: warning: every option is ticked correct: candidates who tick everything score full marks" },
        { File("multiple", "scoring: most\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: unknown scoring 'most': use all-or-nothing or partial" },
        { File("single", "shuffle: sometimes\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: shuffle must be true or false, not 'sometimes'" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n\n## Feedback\nOne.\n\n## Feedback\nTwo.\n"), "u/items/x.md:15: error: '## Feedback' appears twice" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n\n## Accepted answers\n- A\n"), "u/items/x.md:12: error: '## Accepted answers' applies only to short items" },
        { File("short", "", "Name it.\n\n## Accepted answers\n- Retention\n-  retention \n"), "u/items/x.md:9: warning: an accepted answer is listed twice (answers are compared ignoring case and spacing)" },
        { File("short", "", "Name it.\n\n## Accepted answers\n\nNone listed.\n"), "u/items/x.md:9: error: '## Accepted answers' must list at least one answer ('- answer')" },
        { File("single", "words: [10, 20]\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: 'words' applies only to extended items" },
        { File("extended", "words: [ten]\n", "Explain.\n\n## Marking guidance\n- 1 mark\n"), "u/items/x.md:6: error: words must be [min, max], two whole numbers" },
        { File("extended", "", "Explain.\n\n## Marking guidance\n"), "u/items/x.md:9: error: an extended item needs a '## Marking guidance' section saying what earns each mark" },
        { File("match", "distractors: [\"One\"]\n", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n"), "u/items/x.md:6: error: a distractor is also a correct answer of the table" },
        { File("match", "distractors: {a: b}\n", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n"), "u/items/x.md:6: error: distractors must be a list of texts, e.g. distractors: [\"A wrong answer\"]" },
        { File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| A | Two |\n"), "u/items/x.md:12: error: the prompt 'A' is given twice" },
        { File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B |  |\n| C | Three |\n"), "u/items/x.md:12: error: a row needs both a prompt and an answer" },
        { File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n\n| Prompt | Answer |\n| --- | --- |\n| C | Three |\n| D | Four |\n"), "u/items/x.md:14: error: there is more than one table: a match item has one table of pairs" },
        { File("match", "", "Match these.\n"), "u/items/x.md:7: error: a match item needs a table with the header '| Prompt | Answer |' and one row per correct pair" },
        { File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One |\n| B | Two |\n\nThen explain.\n"), "u/items/x.md:14: error: there is text after the table: put it in the stem, or under '## Feedback'" },
        { File("match", "", "Match.\n\n| Prompt | Answer |\n| --- | --- |\n| A | One | Uno |\n| B | Two |\n"), "u/items/x.md:11: error: a row has more than two cells" },
        { File("single", "", "Which? See <vbscript:msgbox(1)>.\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:7: error: link 'vbscript:msgbox(1)' is not allowed: use http, https, mailto or a relative address" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n").Replace("statements: [\"1.1\"]", "statements: [\"1.1\", \"1.1\"]", StringComparison.Ordinal), "u/items/x.md:4: warning: 'statements' lists a reference twice" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n").Replace("statements: [\"1.1\"]", "statements: []", StringComparison.Ordinal), "u/items/x.md:4: error: 'statements' must list at least one statement reference, e.g. statements: [\"1.2\"]" },
        { File("single", "", "Which?\n\n- [x] A\n- [ ] B\n").Replace("statements: [\"1.1\"]\n", "", StringComparison.Ordinal), "u/items/x.md:1: error: 'statements' is missing: list the unit.md references the item assesses, e.g. statements: [\"1.2\"]" },
        { "---\n---\nWhich?\n", "u/items/x.md:1: error: the front matter is empty" },
        { "---\n- a\n- b\n---\nWhich?\n", "u/items/x.md:2: error: the front matter must be 'key: value' lines (a YAML mapping)" },
        { "", "u/items/x.md:1: error: missing front matter: an item starts with a line '---', then YAML, then a line '---'" },
        { File("single", "!!str marks: 3\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: 'marks' is given twice" },
        { File("single", "[a, b]: c\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: a front-matter key must be a plain word" },
        { File("single", "--- second\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: the front matter holds more than one YAML document" },
        { File("single", "tags: " + new string('[', 33) + new string(']', 33) + "\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:2: error: the front matter nests [ ] or { } more than 32 deep" },
        { File("single", "tags: !<> empty\n", "Which?\n\n- [x] A\n- [ ] B\n"), "u/items/x.md:6: error: the front matter is not valid YAML: check its brackets, braces, quotes and tags" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_line(string markdown, string expected)
    {
        var load = TestBank.WithTestUnit().WithItem("x", markdown).Load();

        load.Reports(expected);
    }
}

/// <summary>unit.md and test.md rules, one failing file each, with the exact line reported.</summary>
public sealed class UnitAndBlueprintLintRuleTests
{
    private const string Blueprint = "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n  - outcome: 2\n    items: 1\n---\nGo.\n";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "u/unit.md", TestBank.UnitMd.Replace("level: SCQF 7", "level: SCQF 7\ncredits: 8", StringComparison.Ordinal), "u/unit.md:6: warning: unknown front-matter key 'credits' (known: unit, title, awarding_body, level, aliases, policy, methods)" },
        { "u/unit.md", TestBank.UnitMd.Replace("awarding_body: SQA\n", "", StringComparison.Ordinal), "u/unit.md:1: error: 'awarding_body' is missing: e.g. awarding_body: SQA" },
        { "u/unit.md", TestBank.UnitMd.Replace("window_weeks: 6", "window_weeks: six", StringComparison.Ordinal), "u/unit.md:8: error: window_weeks must be a positive whole number of calendar weeks, not 'six'" },
        { "u/unit.md", TestBank.UnitMd.Replace("open_book: true", "open_book: maybe", StringComparison.Ordinal), "u/unit.md:9: error: open_book must be true or false, not 'maybe'" },
        { "u/unit.md", TestBank.UnitMd.Replace("invigilated: true", "invigilated: true\n  remote: no", StringComparison.Ordinal), "u/unit.md:11: warning: unknown policy key 'remote' (known: window_weeks, open_book, invigilated)" },
        { "u/unit.md", TestBank.UnitMd.Replace("# Outcome 2: Do things", "# Second outcome", StringComparison.Ordinal), "u/unit.md:20: error: an outcome heading reads '# Outcome N: title'" },
        { "u/unit.md", TestBank.UnitMd.Replace("# Outcome 2: Do things", "# Outcome 1: Again", StringComparison.Ordinal), "u/unit.md:20: error: outcome 1 is given twice" },
        { "u/unit.md", TestBank.UnitMd.Replace("- **2.1** Explain", "- 2.1 Explain", StringComparison.Ordinal), "u/unit.md:21: error: a statement reads '- **ref** text', its reference in bold at the start" },
        { "u/unit.md", TestBank.UnitMd.Replace("**2.1**", "**2 1!**", StringComparison.Ordinal), "u/unit.md:21: error: statement reference '2 1!' is not valid: use letters, digits and '.', e.g. 1.2, 29d, 3.2.1" },
        { "u/unit.md", TestBank.UnitMd.Replace("- **2.1** Explain the third thing", "- **2.1**", StringComparison.Ordinal), "u/unit.md:21: error: statement '2.1' has no text" },
        { "u/unit.md", TestBank.UnitMd.Replace("title: A unit for tests", "title:", StringComparison.Ordinal), "u/unit.md:3: error: 'title' must be a non-empty text: the unit's title" },
        { "u/unit.md", TestBank.UnitMd.Replace("aliases: []", "aliases: {old: 305/695}", StringComparison.Ordinal), "u/unit.md:6: error: aliases must be a list of codes, e.g. aliases: [\"305/695\"]" },
        { "u/unit.md", TestBank.UnitMd.Replace("policy:\n  window_weeks: 6\n  open_book: true\n  invigilated: true", "policy: strict", StringComparison.Ordinal), "u/unit.md:7: error: policy must be a mapping with window_weeks, open_book and invigilated" },
        { "u/test.md", Blueprint.Replace("title: T\n", "title: T\ncolour: red\n", StringComparison.Ordinal), "u/test.md:4: warning: unknown front-matter key 'colour' (known: test, title, duration_minutes, time_limit, pass_percent, occasions, marks_tolerance, sections)" },
        { "u/test.md", Blueprint.Replace("test: t\n", "", StringComparison.Ordinal), "u/test.md:1: error: 'test' is missing: the test's unique id, e.g. test: fe6v35-online" },
        { "u/test.md", Blueprint.Replace("duration_minutes: 30", "duration_minutes: 0", StringComparison.Ordinal), "u/test.md:4: error: duration_minutes must be a positive whole number, not '0'" },
        { "u/test.md", Blueprint.Replace("pass_percent: 50", "pass_percent: 150", StringComparison.Ordinal), "u/test.md:5: error: pass_percent must be a whole number from 0 to 100, not '150'" },
        { "u/test.md", Blueprint.Replace("pass_percent: 50", "pass_percent: 50\ntime_limit: loose", StringComparison.Ordinal), "u/test.md:6: error: time_limit must be hard or soft, not 'loose'" },
        { "u/test.md", Blueprint.Replace("pass_percent: 50", "pass_percent: 50\noccasions: -1", StringComparison.Ordinal), "u/test.md:6: error: occasions must be a positive whole number, not '-1'" },
        { "u/test.md", Blueprint.Replace("    items: 1\n  - outcome: 2", "    items: 1\n    types: [essay]\n  - outcome: 2", StringComparison.Ordinal), "u/test.md:9: error: unknown type 'essay' in types: use single, multiple, truefalse, match, short or extended" },
        { "u/test.md", Blueprint.Replace("  - outcome: 2\n    items: 1\n", "  - outcome: 2\n    items: 0\n", StringComparison.Ordinal), "u/test.md:10: error: a section's items must be a positive whole number, not '0'" },
        { "u/test.md", Blueprint.Replace("  - outcome: 2\n    items: 1\n", "  - items: 1\n", StringComparison.Ordinal), "u/test.md:9: error: a section needs 'outcome: N'" },
        { "u/test.md", Blueprint.Replace("  - outcome: 2\n    items: 1\n", "  - outcome: 2\n    items: 1\n    weight: 2\n", StringComparison.Ordinal), "u/test.md:11: warning: unknown section key 'weight' (known: outcome, items, marks, types)" },
        { "u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections: []\n---\nGo.\n", "u/test.md:6: error: sections must be a non-empty list of '- outcome: N' entries with items: or marks:" },
        { "u/test.md", Blueprint.Replace("title: T", "title:", StringComparison.Ordinal), "u/test.md:3: error: 'title' must be a non-empty text: the test's title" },
        { "u/test.md", Blueprint.Replace("duration_minutes: 30\n", "", StringComparison.Ordinal), "u/test.md:1: error: 'duration_minutes' is missing: give it as a positive whole number" },
        { "u/test.md", Blueprint.Replace("pass_percent: 50\n", "", StringComparison.Ordinal), "u/test.md:1: error: 'pass_percent' is missing: the percentage that meets the standard, e.g. pass_percent: 60" },
        { "u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\n---\nGo.\n", "u/test.md:1: error: 'sections' is missing: list the sections, e.g. '- outcome: 1' with 'items: 8' or 'marks: 12'" },
        { "u/test.md", Blueprint.Replace("  - outcome: 2\n    items: 1\n", "  - outcome 2\n", StringComparison.Ordinal), "u/test.md:9: error: a section is a mapping: '- outcome: N' then 'items: N' or 'marks: N', optionally 'types: [...]'" },
        { "u/test.md", Blueprint.Replace("outcome: 2", "outcome: two", StringComparison.Ordinal), "u/test.md:9: error: a section's outcome must be an outcome number, not 'two'" },
        { "u/test.md", Blueprint.Replace("    items: 1\n  - outcome: 2", "    items: 1\n    types: []\n  - outcome: 2", StringComparison.Ordinal), "u/test.md:9: error: types must list at least one item type, or be left out" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_line(string path, string markdown, string expected)
    {
        var load = TestBank.WithTestUnit().WithSingle("a", "1.1").WithSingle("b", "2.1").With(path, markdown).Load();

        load.Reports(expected);
    }

    [Fact]
    public void Two_blueprints_with_the_same_id_name_each_other()
    {
        var load = TestBank.WithTestUnit().WithSingle("a", "1.1").WithSingle("b", "2.1").With("u/test.md", Blueprint)
            .With("v/unit.md", TestBank.UnitMd.Replace("TEST 01", "TEST 02", StringComparison.Ordinal)).With("v/items/c.md", TestBank.Single("c")).With("v/items/d.md", TestBank.Single("d", "2.1")).With("v/test.md", Blueprint)
            .Load();

        load.Reports("u/test.md:2: error: duplicate test id 't': also in v/test.md:2");
        load.Reports("v/test.md:2: error: duplicate test id 't': also in u/test.md:2");
    }
}
