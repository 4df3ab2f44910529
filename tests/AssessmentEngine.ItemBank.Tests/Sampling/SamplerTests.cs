using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.ItemBank.Tests.Sampling;

/// <summary>The sampler's rules one example at a time, on small hand-made banks.</summary>
public sealed class SamplerTests
{
    private static readonly IReadOnlyDictionary<string, int> NoExposure = new Dictionary<string, int>();
    private static readonly DateOnly Today = SamplingBanks.Today;

    private static List<Item> Singles(string statement, int count, string prefix = "s") =>
        [.. Enumerable.Range(1, count).Select(n => SamplingBanks.Item($"{prefix}-{statement}-{n}", ItemType.Single, [statement]))];

    [Fact]
    public void A_blueprint_the_bank_cannot_serve_once_is_refused_naming_the_section_and_what_is_short()
    {
        var unit = SamplingBanks.Unit([.. Singles("1.1", 3), SamplingBanks.Item("e-1", ItemType.Extended, ["2.1"], marks: 4)], 1, 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 2, null, null), new BlueprintSection(2, 2, null, [ItemType.Extended]));

        var refusal = Assert.Throws<InfeasibleBlueprintException>(() => Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, 1, Today));

        Assert.Equal(2, refusal.Shortfalls.Single().Section);
        Assert.Contains("section 2 (outcome 2, 2 item(s) of type extended) needs 2 items and can get 1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_past_valid_until_are_never_drawn()
    {
        var expired = SamplingBanks.Item("old", ItemType.Single, ["1.1"], validUntil: Today.AddDays(-1));
        var lastDay = SamplingBanks.Item("last-day", ItemType.Single, ["1.1"], validUntil: Today);
        var unit = SamplingBanks.Unit([expired, lastDay, .. Singles("1.1", 1)], 1);

        var form = Sampler.Assemble(unit, SamplingBanks.Blueprint(new BlueprintSection(1, 2, null, null)), CandidateHistory.None, [], NoExposure, 7, Today);

        Assert.Equal(["last-day", "s-1.1-1"], form.Items.Select(item => item.ItemId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_section_spreads_its_items_over_distinct_statements_before_doubling_up()
    {
        var unit = SamplingBanks.Unit([.. Singles("1.1", 6), .. Singles("1.2", 1), .. Singles("1.3", 1)], 3);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 3, null, null));

        foreach (var seed in Enumerable.Range(0, 20))
        {
            var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, seed, Today);
            Assert.Equal(["1.1", "1.2", "1.3"], form.StatementsCovered);
        }
    }

    [Fact]
    public void A_resit_prefers_statements_the_candidate_has_not_been_tested_on()
    {
        var unit = SamplingBanks.Unit([.. Singles("1.1", 4), .. Singles("1.2", 4), .. Singles("1.3", 4)], 3);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 1, null, null));
        var first = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, 3, Today);
        var second = Sampler.Assemble(unit, blueprint, CandidateHistory.None.After(first, DateTimeOffset.UnixEpoch), [], NoExposure, 3, Today);
        var third = Sampler.Assemble(unit, blueprint, CandidateHistory.None.After(first, DateTimeOffset.UnixEpoch).After(second, DateTimeOffset.UnixEpoch.AddDays(7)), [], NoExposure, 3, Today);

        Assert.Equal(3, new[] { first, second, third }.SelectMany(form => form.StatementsCovered).Distinct().Count());
    }

    [Fact]
    public void When_the_bank_is_exhausted_the_least_recently_seen_items_are_reused_and_the_form_says_so()
    {
        var unit = SamplingBanks.Unit(Singles("1.1", 4), 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 3, null, null));
        var monday = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
        var history = new CandidateHistory(
            [new("s-1.1-1", monday), new("s-1.1-2", monday.AddDays(7)), new("s-1.1-3", monday.AddDays(14))], ["1.1"]);

        var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, 11, Today);

        Assert.Equal(["s-1.1-1", "s-1.1-2", "s-1.1-4"], form.Items.Select(item => item.ItemId).Order(StringComparer.Ordinal));
        Assert.Equal(["s-1.1-1", "s-1.1-2"], form.Reused);
    }

    [Fact]
    public void A_marks_section_reaches_exactly_its_marks_when_some_items_add_up_to_them()
    {
        var unit = SamplingBanks.Unit([.. new[] { 5, 4, 3, 3, 2 }.Select((marks, n) => SamplingBanks.Item($"m-{n}", ItemType.Short, ["1.1"], marks))], 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 7, null));

        foreach (var seed in Enumerable.Range(0, 20))
        {
            var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, seed, Today);
            Assert.Equal(7, form.Items.Sum(entry => unit.Items.Single(item => item.Id == entry.ItemId).Marks));
            Assert.Empty(form.Notes);
        }
    }

    [Fact]
    public void A_marks_section_that_cannot_be_hit_exactly_takes_the_nearest_total_above_and_notes_it()
    {
        var unit = SamplingBanks.Unit([.. Enumerable.Range(1, 4).Select(n => SamplingBanks.Item($"m-{n}", ItemType.Extended, ["1.1"], marks: 4))], 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 6, null));

        var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, 5, Today);

        Assert.Equal(2, form.Items.Count);
        Assert.Equal("section 1 (outcome 1) asks for 6 marks; no set of its eligible items adds up to exactly that, so it has 8", form.Notes.Single());
    }

    [Fact]
    public void Sections_that_could_draw_the_same_items_are_filled_jointly()
    {
        // Section 1 takes any type; section 2 only match, of which there are two. Drawn in order, section 1 must leave them.
        var unit = SamplingBanks.Unit([.. Singles("1.1", 2), SamplingBanks.Item("x-1", ItemType.Match, ["1.1"]), SamplingBanks.Item("x-2", ItemType.Match, ["1.1"])], 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 2, null, null), new BlueprintSection(1, 2, null, [ItemType.Match]));
        var exposure = new Dictionary<string, int> { ["s-1.1-1"] = 50, ["s-1.1-2"] = 50 };

        var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], exposure, 1, Today);

        Assert.Equal(["x-1", "x-2"], form.Items.Where(item => item.Section == 2).Select(item => item.ItemId).Order(StringComparer.Ordinal));
        Assert.Equal(4, form.Items.Count);
    }

    [Fact]
    public void Candidates_get_different_option_orders_and_unshuffled_items_keep_theirs()
    {
        var shuffled = SamplingBanks.Item("a", ItemType.Single, ["1.1"], options: 5);
        var fixedOrder = SamplingBanks.Item("b", ItemType.Multiple, ["1.2"], shuffle: false, options: 5);
        var unit = SamplingBanks.Unit([shuffled, fixedOrder], 2);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 2, null, null));

        var forms = Enumerable.Range(0, 30).Select(seed => Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, seed, Today)).ToList();

        Assert.True(forms.Select(form => string.Join(",", form.Items.Single(item => item.ItemId == "a").OptionOrder)).Distinct().Count() > 10);
        Assert.All(forms, form => Assert.Equal(["a", "b", "c", "d", "e"], form.Items.Single(item => item.ItemId == "b").OptionOrder));
    }

    [Fact]
    public void An_unshuffled_match_item_keeps_its_prompts_in_order_but_never_lists_answers_in_row_order()
    {
        var match = SamplingBanks.Item("m", ItemType.Match, ["1.1"], shuffle: false, options: 3) with
        {
            Pairs = [new("a", "<p>Data Protection</p>", "UK GDPR"), new("b", "<p>Equality</p>", "Equality Act 2010"), new("c", "<p>Consumers</p>", "Consumer Rights Act 2015")],
            Distractors = ["Sale of Goods Act 1979"],
        };
        var unit = SamplingBanks.Unit([match], 1);

        var item = Sampler.Assemble(unit, SamplingBanks.Blueprint(new BlueprintSection(1, 1, null, null)), CandidateHistory.None, [], NoExposure, 1, Today).Items.Single();

        Assert.Equal(["a", "b", "c"], item.OptionOrder);
        Assert.Equal(["Consumer Rights Act 2015", "Equality Act 2010", "Sale of Goods Act 1979", "UK GDPR"], item.AnswerOrder);
    }

    [Fact]
    public void Candidates_of_one_sitting_share_as_few_items_as_the_bank_allows()
    {
        var unit = SamplingBanks.Unit([.. Singles("1.1", 10), .. Singles("1.2", 10)], 2);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 4, null, null));

        var sitting = Sampler.AssembleSitting(unit, blueprint, Enumerable.Repeat(CandidateHistory.None, 5).ToList(), NoExposure, 9, Today);

        Assert.Equal(0, sitting.LargestPairwiseOverlap);
        Assert.Equal(20, sitting.Forms.SelectMany(form => form.Items).Select(item => item.ItemId).Distinct().Count());
        var crowded = Sampler.AssembleSitting(unit, blueprint, Enumerable.Repeat(CandidateHistory.None, 12).ToList(), NoExposure, 9, Today);
        Assert.Equal(crowded.OverlapLowerBound, crowded.LargestPairwiseOverlap);
        Assert.Equal(SamplerPropertyTests.LargestOverlap(crowded.Forms), crowded.LargestPairwiseOverlap);
    }

    [Fact]
    public void The_overlap_bound_of_a_marks_section_counts_the_items_its_forms_hold()
    {
        // A 4-mark form covering four statements holds four one-mark items; the four-mark item covers one statement only.
        var unit = SamplingBanks.Unit([.. Singles("1.1", 2), .. Singles("1.2", 2), .. Singles("1.3", 2), .. Singles("1.4", 2), SamplingBanks.Item("big", ItemType.Single, ["1.1"], marks: 4)], 4);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 4, null));

        var sitting = Sampler.AssembleSitting(unit, blueprint, Enumerable.Repeat(CandidateHistory.None, 6).ToList(), NoExposure, 3, Today);

        Assert.All(sitting.Forms, form => Assert.Equal(4, form.Items.Count));
        // 24 uses of 9 items share at least 6 × C(3, 2) + 3 × C(2, 2) = 21 item-uses over 15 pairs: some pair shares 2.
        Assert.Equal(2, sitting.OverlapLowerBound);
        Assert.InRange(sitting.LargestPairwiseOverlap, 2, 4);
    }

    [Fact]
    public void A_simulation_of_a_bank_too_shallow_for_its_occasions_reports_the_repeats_and_the_shortfall()
    {
        var unit = SamplingBanks.Unit(Singles("1.1", 5), 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 2, null, null));

        var report = Simulation.Run(unit, blueprint, candidates: 4, occasions: 3, seed: 1, Today);

        Assert.Contains("section 1 (outcome 1, 2 item(s)) needs 6 items and can get 5", report.Infeasibilities.Single(), StringComparison.Ordinal);
        Assert.All(report.PerCandidate, candidate => Assert.Equal(1, candidate.Repeats));
        Assert.Equal(1, report.TotalRepeats / 4);
        Assert.Contains("    total        4", report.ToString(), StringComparison.Ordinal);
    }
}
