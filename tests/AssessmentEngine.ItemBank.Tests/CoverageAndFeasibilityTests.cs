namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Coverage per statement and blueprint feasibility on small generated banks.</summary>
public sealed class CoverageAndFeasibilityTests
{
    private static string TestMd(int occasions, params string[] sections) =>
        $"---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\noccasions: {occasions}\nsections:\n{string.Concat(sections)}---\nGo.\n";

    private static string Section(int outcome, string count, string? types = null) =>
        $"  - outcome: {outcome}\n    {count}\n" + (types is null ? "" : $"    types: [{types}]\n");

    /// <summary>n single items on each online statement (1.1, 1.2, 2.1) and e extended items on 2.1.</summary>
    private static TestBank Bank(int singles, int extended = 0)
    {
        var bank = TestBank.WithTestUnit();
        foreach (var statement in new[] { "1.1", "1.2", "2.1" })
        {
            for (var n = 1; n <= singles; n++)
            {
                bank.WithSingle($"s-{statement}-{n}", statement);
            }
        }

        for (var n = 1; n <= extended; n++)
        {
            bank.WithItem($"e-{n}", TestBank.Extended($"e-{n}", "2.1"));
        }

        return bank;
    }

    [Fact]
    public void Coverage_counts_items_and_marks_per_statement_and_flags_those_below_the_depth_the_blueprint_needs()
    {
        // Outcome 1 draws 3 items × 3 occasions = 9 over 2 statements: 5 each (rounded up); outcome 2 draws 1 × 3 over 1 statement: 3.
        var load = Bank(singles: 4).With("u/test.md", TestMd(3, Section(1, "items: 3"), Section(2, "items: 1"))).Load();
        var unit = load.Units.Single();

        var rows = Coverage.For(unit, TestBank.Today);

        Assert.Equal(["1.1", "1.2", "2.1", "2.2"], rows.Select(row => row.Reference));
        Assert.Equal(new StatementCoverage("1.1", "Explain the first thing", 1, true, 4, 4, 5, BelowDepth: true), rows[0]);
        Assert.Equal(new StatementCoverage("2.1", "Explain the third thing", 2, true, 4, 4, 3, BelowDepth: false), rows[2]);
        Assert.Equal(new StatementCoverage("2.2", "Show the fourth thing", 2, false, 0, 0, 0, BelowDepth: false), rows[3]);
    }

    [Fact]
    public void Every_sampled_online_statement_needs_at_least_one_item_per_occasion()
    {
        var unit = Bank(singles: 2).With("u/test.md", TestMd(3, Section(1, "items: 1"), Section(2, "items: 1"))).Load().Units.Single();

        Assert.All(Coverage.For(unit, TestBank.Today).Where(row => row.Online), row => Assert.Equal(3, row.Needed));
    }

    [Fact]
    public void Items_past_valid_until_do_not_count()
    {
        var bank = Bank(singles: 1).WithItem("old", TestBank.Single("old").Replace("marks: 1", "marks: 1\nvalid_until: 2020-01-01", StringComparison.Ordinal));
        var unit = bank.Load().Units.Single();

        Assert.Equal(1, Coverage.For(unit, TestBank.Today).Single(row => row.Reference == "1.1").Items);
        Assert.Equal(2, Coverage.For(unit, new DateOnly(2019, 1, 1)).Single(row => row.Reference == "1.1").Items);
    }

    [Fact]
    public void A_bank_exactly_deep_enough_for_its_occasions_is_feasible()
    {
        // Outcome 1 has 2 × 2 = 4 singles; 2 sections × 2 items × 2 occasions need exactly 4... over two outcomes.
        var load = Bank(singles: 2, extended: 2).With("u/test.md", TestMd(2, Section(1, "items: 2"), Section(2, "items: 1", "single"), Section(2, "items: 1", "extended"))).Load();

        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        Assert.Single(load.Units.Single().Blueprints);
    }

    [Fact]
    public void One_occasion_more_than_the_bank_allows_is_an_error()
    {
        var load = Bank(singles: 2, extended: 2).With("u/test.md", TestMd(3, Section(1, "items: 2"), Section(2, "items: 1", "single"), Section(2, "items: 1", "extended"))).Load();

        load.Reports("u/test.md:8: error: blueprint 't' cannot be served on 3 occasion(s) without repeating an item: section 1 (outcome 1, 2 item(s)) needs 6 items and can get 4; the bank has only 4 eligible items (current, outcome 1)");
        load.Reports("u/test.md:10: error: blueprint 't' cannot be served on 3 occasion(s) without repeating an item: section 2 (outcome 2, 1 item(s) of type single) needs 3 items and can get 2; the bank has only 2 eligible items (current, outcome 2 of type single)");
    }

    [Fact]
    public void Sections_that_share_items_are_checked_jointly()
    {
        // Each section alone has 2 eligible items for 2 occasions, but both draw from the same two singles of 2.1.
        var load = Bank(singles: 2).With("u/test.md", TestMd(2, Section(1, "items: 1"), Section(2, "items: 1"), Section(2, "items: 1", "single"))).Load();

        Assert.Contains(load.Diagnostics, d => d.Severity == Severity.Error && d.Message.Contains("the other sections need some of them", StringComparison.Ordinal));
    }

    [Fact]
    public void The_assignment_moves_flexible_items_to_make_room_for_scarce_ones()
    {
        // Item x is on 1.1 and 2.1 (fits both outcomes); greedily giving it to outcome 1 would starve outcome 2.
        var bank = TestBank.WithTestUnit()
            .WithSingle("a", "1.1")
            .WithItem("x", TestBank.Single("x").Replace("[\"1.1\"]", "[\"1.1\", \"2.1\"]", StringComparison.Ordinal))
            .WithSingle("b", "2.1")
            .WithSingle("c", "1.2")
            .With("u/test.md", TestMd(1, Section(1, "items: 2"), Section(2, "items: 2")));

        Assert.False(bank.Load().HasErrors, string.Join("\n", bank.Load().Diagnostics));
    }

    [Fact]
    public void Marks_sections_count_marks_not_items()
    {
        var enough = Bank(singles: 1, extended: 2).With("u/test.md", TestMd(2, Section(1, "items: 1"), Section(2, "marks: 4", "extended"))).Load();
        var tooFew = Bank(singles: 1, extended: 2).With("u/test.md", TestMd(2, Section(1, "items: 1"), Section(2, "marks: 5", "extended"))).Load();

        Assert.False(enough.HasErrors, string.Join("\n", enough.Diagnostics));
        tooFew.Reports("u/test.md:10: error: blueprint 't' cannot be served on 2 occasion(s) without repeating an item: section 2 (outcome 2, 5 marks of type extended) needs 10 marks and can get 8; the bank has only 8 eligible marks (current, outcome 2 of type extended)");
    }

    [Fact]
    public void Items_past_valid_until_are_not_eligible()
    {
        var bank = Bank(singles: 1).WithItem("old", TestBank.Single("old", "2.1").Replace("marks: 1", "marks: 1\nvalid_until: 2020-01-01", StringComparison.Ordinal))
            .With("u/test.md", TestMd(2, Section(1, "items: 1"), Section(2, "items: 1")));

        bank.Load().Reports("u/test.md:10: error: blueprint 't' cannot be served on 2 occasion(s) without repeating an item: section 2 (outcome 2, 1 item(s)) needs 2 items and can get 1; the bank has only 1 eligible items (current, outcome 2)");
    }

    [Fact]
    public void Loading_one_item_alone_skips_the_unit_wide_checks()
    {
        var load = TestBank.WithTestUnit().WithSingle("s-1").With("u/test.md", TestMd(5, Section(1, "items: 9"))).Load(wholeUnits: false);

        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        load.DoesNotReport("has no items");
    }
}
