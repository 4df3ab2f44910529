namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Qualifications (qualifications/*.md): one failing file per rule, with the exact line reported, and a good one as loaded.</summary>
public sealed class QualificationLintRuleTests
{
    /// <summary>Line 2 code, 6 seed, 7 credits, 8 min_credits, 10 group A, 11 its units, 12 group B, 13 choose, 15 theme X, 16 at_least, 17 its units, 18 theme Y, 20 its units.</summary>
    private const string Good = """
        ---
        qualification: "Q 01"
        title: A qualification for tests
        awarding_body: SQA
        level: SVQ 4
        seed: "test.txt:5-9"
        credits: {"U 1": 5, "U 2": 5, "U 3": 4, "U 4": 4, "U 5": 4}
        min_credits: 16
        groups:
          - name: Mandatory
            units: ["U 1", "U 2"]
          - name: Optional
            choose: 2
            themes:
              - name: Theme X
                at_least: 1
                units: ["U 3", "U 4"]
              - name: Theme Y
                at_least: 1
                units: ["U 5"]
        ---
        Both mandatory units and two optional ones, one from each theme.
        """;

    private static BankLoad Load(string qualification)
    {
        var bank = new TestBank();
        foreach (var n in new[] { 1, 2, 3, 4, 5 })
        {
            bank.With($"u{n}/unit.md", TestBank.UnitMd.Replace("unit: TEST 01", $"unit: U {n}", StringComparison.Ordinal)
                .Replace("aliases: []", $"aliases: [\"{n}0\"]", StringComparison.Ordinal));
        }

        return bank.With("qualifications/q.md", qualification).Load();
    }

    public static TheoryData<string, string> Cases() => new()
    {
        { Good.Replace("units: [\"U 5\"]", "units: [\"U 9\"]", StringComparison.Ordinal), "qualifications/q.md:20: error: theme 'Theme Y': there is no unit 'U 9' in the item bank (a unit folder's unit.md gives its code), nor in outside_bank" },
        { Good.Replace("units: [\"U 5\"]", "units: [\"50\"]", StringComparison.Ordinal), "qualifications/q.md:20: error: theme 'Theme Y': '50' is an alias of unit U 5; name units by their code" },
        { Good.Replace("units: [\"U 5\"]", "units: [\"U 1\"]", StringComparison.Ordinal), "qualifications/q.md:20: error: theme 'Theme Y': unit U 1 is already in group 'Mandatory' (line 11); a unit counts toward one group only" },
        { Good.Replace("units: [\"U 1\", \"U 2\"]", "units: [\"U 1\", \"U 1\"]", StringComparison.Ordinal), "qualifications/q.md:11: error: group 'Mandatory': unit U 1 is listed twice in group 'Mandatory' (also line 11); a unit counts once" },
        { Good.Replace("choose: 2", "choose: 7", StringComparison.Ordinal), "qualifications/q.md:13: error: group 'Optional' asks for 7 unit(s) but lists only 3: no candidate could meet it" },
        { Good.Replace("at_least: 1\n        units: [\"U 3\"", "at_least: 3\n        units: [\"U 3\"", StringComparison.Ordinal), "qualifications/q.md:16: error: theme 'Theme X' asks for at least 3 unit(s) but lists only 2: no candidate could meet it" },
        { Good.Replace("min_credits: 16", "min_credits: 40", StringComparison.Ordinal), "qualifications/q.md:8: error: the qualification asks for 40 credits but its units carry only 22: no candidate could meet it" },
        { Good.Replace(", \"U 5\": 4}", "}", StringComparison.Ordinal), "qualifications/q.md:8: error: the qualification asks for 16 credits, but credits gives no value for U 5" },
        { Good.Replace("\n    choose: 2", "", StringComparison.Ordinal), "qualifications/q.md:12: error: group 'Optional' has themes but no choose: an optional group says how many units to choose, e.g. choose: 7" },
        { Good.Replace("\"test.txt:5-9\"", "\"the handbook\"", StringComparison.Ordinal), "qualifications/q.md:6: error: seed must cite the specification as file:line or file:first-last, not 'the handbook'" },
        { Good.Replace("Both mandatory units and two optional ones, one from each theme.", "", StringComparison.Ordinal), "qualifications/q.md:22: error: the qualification has no description: say in a sentence or two what it is and how it is achieved, below the front matter" },
        { Good.Replace("min_credits: 16", "min_credits: 16\noutside_bank:\n  - {unit: \"U 5\", title: Five, level: 2}", StringComparison.Ordinal), "qualifications/q.md:10: error: outside_bank: unit U 5 is in the item bank; list it in its group only" },
        { Good.Replace("choose: 2", "choose: 2\n    min_credits_at_level: {level: 7, credits: 20}", StringComparison.Ordinal), "qualifications/q.md:14: error: group 'Optional' at level 7 asks for 20 credits but its units carry only 12: no candidate could meet it" },
        { Good.Replace("choose: 2", "choose: 1", StringComparison.Ordinal), "qualifications/q.md:13: warning: group 'Optional': its themes ask for 2 unit(s) between them, more than the 1 to choose; a candidate needs 2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_line(string qualification, string expected)
    {
        var load = Load(qualification);
        Assert.Contains(expected, load.Diagnostics.Select(d => d.ToString()));
        if (expected.Contains(": error: ", StringComparison.Ordinal))
        {
            Assert.Empty(load.Qualifications);
        }
    }

    [Fact]
    public void A_good_qualification_loads_with_its_groups_themes_and_credits()
    {
        var load = Load(Good);
        Assert.DoesNotContain(load.Diagnostics, d => d.Path.StartsWith("qualifications/", StringComparison.Ordinal));
        var qualification = Assert.Single(load.Qualifications);
        Assert.Equal(("Q 01", "A qualification for tests", "SQA", "SVQ 4", 16), (qualification.Code, qualification.Title, qualification.AwardingBody, qualification.Level, qualification.MinCredits));
        Assert.Equal(["Mandatory", "Optional"], qualification.Groups.Select(g => g.Name));
        Assert.True(qualification.Groups[0].Mandatory);
        Assert.Equal(2, qualification.Groups[1].Choose);
        Assert.Equal(["Theme X", "Theme Y"], qualification.Groups[1].Themes.Select(t => t.Name));
        Assert.Equal(["U 1", "U 2", "U 3", "U 4", "U 5"], qualification.Units);
        Assert.Equal(4, qualification.CreditOf("U 5"));
        Assert.Contains("<p>Both mandatory units", qualification.DescriptionHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_outside_the_bank_is_named_with_its_title_and_level_and_counts_for_credit_at_its_level()
    {
        var load = Load(Good.Replace("min_credits: 16", "min_credits: 16\noutside_bank:\n  - {unit: X9, title: \"Not here\", level: 3}", StringComparison.Ordinal)
            .Replace("\"U 5\": 4}", "\"U 5\": 4, \"X9\": 6}", StringComparison.Ordinal).Replace("units: [\"U 5\"]", "units: [\"U 5\", \"X9\"]", StringComparison.Ordinal)
            .Replace("choose: 2", "choose: 2\n    min_credits_at_level: {level: 3, credits: 6}", StringComparison.Ordinal));
        Assert.DoesNotContain(load.Diagnostics, d => d.Path.StartsWith("qualifications/", StringComparison.Ordinal));
        var qualification = Assert.Single(load.Qualifications);
        Assert.Equal(new OutsideUnit("Not here", 3), qualification.OutsideBank["X9"]);
        Assert.Equal((7, 3), (qualification.Levels["U 1"], qualification.Levels["X9"]));
        Assert.Equal(new LevelCredits(3, 6), qualification.Groups[1].MinCreditsAtLevel);
    }

    [Fact]
    public void Two_files_with_one_code_are_both_refused()
    {
        var bank = new TestBank().With("u1/unit.md", TestBank.UnitMd.Replace("unit: TEST 01", "unit: U 1", StringComparison.Ordinal));
        var single = "---\nqualification: \"Q 01\"\ntitle: T\nawarding_body: SQA\nlevel: SVQ 4\nseed: \"test.txt:1\"\ngroups:\n  - name: Mandatory\n    units: [\"U 1\"]\n---\nAll of it.\n";
        var load = bank.With("qualifications/a.md", single).With("qualifications/b.md", single).Load();
        Assert.Empty(load.Qualifications);
        Assert.Contains("qualifications/a.md:1: error: qualification code 'Q 01' is also used by qualifications/b.md", load.Diagnostics.Select(d => d.ToString()));
    }
}
