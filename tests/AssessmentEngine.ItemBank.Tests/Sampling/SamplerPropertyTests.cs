using AssessmentEngine.ItemBank.Sampling;
using FsCheck;
using FsCheck.Xunit;

namespace AssessmentEngine.ItemBank.Tests.Sampling;

/// <summary>Rules 1, 2, 4 and 6 of the sampler and its determinism, over random banks and blueprints.</summary>
public sealed class SamplerPropertyTests
{
    private static readonly IReadOnlyDictionary<string, int> NoExposure = new Dictionary<string, int>();

    [Property(MaxTest = 300)]
    public Property Every_section_gets_exactly_its_count_or_marks_from_its_outcome_and_types_and_no_item_twice(int bankSeed, int formSeed)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed);
        var shortfalls = Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today);
        if (shortfalls.Count > 0)
        {
            // Rule 7: refused before anything is drawn, naming the section that is short.
            var refusal = Assert.Throws<InfeasibleBlueprintException>(() => SamplingPlan.Prepare(unit, blueprint, SamplingBanks.Today));
            Assert.Contains($"section {shortfalls[0].Section} (outcome {shortfalls[0].Definition.Outcome}", refusal.Message, StringComparison.Ordinal);
            return true.Label("infeasible").Classify(true, "infeasible");
        }

        var history = SamplingBanks.RandomHistory(unit, formSeed);
        var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, formSeed, SamplingBanks.Today);
        var items = form.Items.Select(entry => unit.Items.Single(item => item.Id == entry.ItemId)).ToList();

        Assert.Equal(form.Items.Count, form.Items.Select(item => item.ItemId).Distinct().Count());
        Assert.All(items, item => Assert.True(item.IsCurrentOn(SamplingBanks.Today), $"{item.Id} is past valid_until"));
        for (var k = 0; k < blueprint.Sections.Count; k++)
        {
            var section = blueprint.Sections[k];
            var drawn = form.Items.Where(entry => entry.Section == k + 1).Select(entry => items.Single(item => item.Id == entry.ItemId)).ToList();
            Assert.All(drawn, item => Assert.True(section.Accepts(item, unit), $"{item.Id} does not belong in section {k + 1}"));
            if (section.Items is { } count)
            {
                Assert.Equal(count, drawn.Count);
            }
            else if (form.Notes.Any(note => note.StartsWith($"section {k + 1} ", StringComparison.Ordinal)))
            {
                Assert.True(drawn.Sum(item => item.Marks) > section.Marks, "a note says the marks were overshot");
                var others = form.Items.Where(entry => entry.Section != k + 1).Select(entry => entry.ItemId).ToHashSet();
                var pool = unit.Items.Where(item => item.IsCurrentOn(SamplingBanks.Today) && section.Accepts(item, unit) && !others.Contains(item.Id));
                Assert.False(AddsUpTo(pool.Select(item => item.Marks), section.Marks!.Value), "exactly the marks were possible");
            }
            else
            {
                Assert.Equal(section.Marks, drawn.Sum(item => item.Marks));
            }
        }

        return true.Classify(blueprint.Sections.Any(section => section.Marks is not null), "with a marks section")
            .Classify(history.Shown.Count > 0, "with a history");
    }

    [Property(MaxTest = 300)]
    public Property No_item_the_candidate_has_seen_is_drawn_again_while_the_unseen_ones_can_fill_the_blueprint(int bankSeed, int formSeed)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed, sectionsApart: true);
        var history = SamplingBanks.RandomHistory(unit, formSeed);
        if (Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count > 0)
        {
            return true.Classify(true, "infeasible");
        }

        var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, formSeed, SamplingBanks.Today);
        var seen = history.Shown.Select(shown => shown.ItemId).ToHashSet();
        var unseenSuffice = Feasibility.Check(unit with { Items = [.. unit.Items.Where(item => !seen.Contains(item.Id))] }, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count == 0;

        Assert.Equal(form.Items.Where(item => seen.Contains(item.ItemId)).Select(item => item.ItemId).Order(StringComparer.Ordinal), form.Reused);
        if (unseenSuffice)
        {
            Assert.Empty(form.Reused);
        }
        else
        {
            // Exhausted: what is re-used was seen no more recently than any seen item of its section left out.
            var lastSeen = history.Shown.GroupBy(shown => shown.ItemId).ToDictionary(group => group.Key, group => group.Max(shown => shown.ShownAt));
            foreach (var reused in form.Items.Where(item => seen.Contains(item.ItemId)))
            {
                var section = blueprint.Sections[reused.Section - 1];
                var leftOut = unit.Items.Where(item => item.IsCurrentOn(SamplingBanks.Today) && section.Accepts(item, unit) && seen.Contains(item.Id)
                    && form.Items.All(entry => entry.ItemId != item.Id));
                Assert.All(leftOut, item => Assert.True(lastSeen[item.Id] >= lastSeen[reused.ItemId], $"{reused.ItemId} re-used before the less recently seen {item.Id}"));
            }
        }

        return true.Classify(!unseenSuffice, "bank exhausted");
    }

    [Property(MaxTest = 300)]
    public Property Options_are_a_permutation_of_the_items_own_keys_and_keep_the_source_order_when_shuffle_is_false(int bankSeed, int formSeed)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed);
        if (Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count > 0)
        {
            return true.Classify(true, "infeasible");
        }

        var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, formSeed, SamplingBanks.Today);
        foreach (var entry in form.Items)
        {
            var item = unit.Items.Single(candidate => candidate.Id == entry.ItemId);
            Assert.Equal(item.ContentHash, entry.ContentHash);
            var keys = item.Type == ItemType.Match ? item.Pairs.Select(pair => pair.Key).ToList() : item.Options.Select(option => option.Key).ToList();
            var answers = item.Type == ItemType.Match ? item.Pairs.Select(pair => pair.Answer).Concat(item.Distractors).Distinct().ToList() : [];
            Assert.Equal(keys.Order(StringComparer.Ordinal), entry.OptionOrder.Order(StringComparer.Ordinal));
            Assert.Equal(answers.Order(StringComparer.Ordinal), entry.AnswerOrder.Order(StringComparer.Ordinal));
            if (!item.Shuffle)
            {
                Assert.Equal(keys, entry.OptionOrder);
            }
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property The_same_seed_gives_the_same_form(int bankSeed, int formSeed)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed);
        if (Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count > 0)
        {
            return true.Classify(true, "infeasible");
        }

        var history = SamplingBanks.RandomHistory(unit, formSeed);
        var exposure = unit.Items.Where((_, i) => i % 3 == 0).ToDictionary(item => item.Id, item => item.Id.Length % 4);
        var sitting = new[] { Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], exposure, formSeed + 1, SamplingBanks.Today) };

        // Built afresh from a reversed copy of the bank, so nothing may depend on the order items were loaded in.
        var again = unit with { Items = [.. unit.Items.Reverse()] };
        var first = Sampler.Assemble(unit, blueprint, history, sitting, exposure, formSeed, SamplingBanks.Today);
        var second = Sampler.Assemble(again, blueprint, history, sitting, exposure, formSeed, SamplingBanks.Today);

        return (SamplingBanks.Describe(first) == SamplingBanks.Describe(second)).Label(SamplingBanks.Describe(first));
    }

    [Property(MaxTest = 150)]
    public Property The_reported_largest_overlap_is_the_real_one_and_never_below_the_pigeonhole_bound(int bankSeed, int sittingSeed, PositiveInt size)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed);
        if (Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count > 0)
        {
            return true.Classify(true, "infeasible");
        }

        var candidates = Enumerable.Repeat(CandidateHistory.None, 2 + (size.Get % 25)).ToList();
        var sitting = Sampler.AssembleSitting(unit, blueprint, candidates, NoExposure, sittingSeed, SamplingBanks.Today);

        Assert.Equal(LargestOverlap(sitting.Forms), sitting.LargestPairwiseOverlap);
        Assert.True(sitting.LargestPairwiseOverlap >= sitting.OverlapLowerBound, $"{sitting.LargestPairwiseOverlap} < bound {sitting.OverlapLowerBound}");
        return true.Classify(sitting.LargestPairwiseOverlap == sitting.OverlapLowerBound, "at the bound");
    }

    /// <summary>
    /// The greedy's guarantee: while every statement still holds an item no earlier form of the sitting has, each pick
    /// finds one that adds a statement and shares nothing, so forms are disjoint (the lower bound, 0) whenever every
    /// statement has at least candidates × items-per-form items.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Forms_of_a_sitting_share_no_item_while_every_statement_is_deep_enough(int sittingSeed, PositiveInt size, PositiveInt perForm, PositiveInt statements)
    {
        var (candidates, count, statementCount) = (2 + (size.Get % 12), 1 + (perForm.Get % 5), 1 + (statements.Get % 4));
        var items = Enumerable.Range(1, statementCount)
            .SelectMany(s => Enumerable.Range(0, candidates * count).Select(n => SamplingBanks.Item($"i-{s}-{n:000}", ItemType.Single, [$"1.{s}"])))
            .ToList();
        var unit = SamplingBanks.Unit(items, statementCount);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, count, null, null));

        var sitting = Sampler.AssembleSitting(unit, blueprint, Enumerable.Repeat(CandidateHistory.None, candidates).ToList(), NoExposure, sittingSeed, SamplingBanks.Today);

        Assert.Equal(0, sitting.OverlapLowerBound);
        return (sitting.LargestPairwiseOverlap == 0).Label($"largest overlap {sitting.LargestPairwiseOverlap}");
    }

    /// <summary>
    /// Rule 4 against the usual way of drawing (least-used first, as quiz engines do): over a section where statement spread
    /// cannot come first (one statement), the sitting's largest pairwise overlap is never worse than that greedy's.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property The_largest_overlap_in_a_sitting_is_never_worse_than_drawing_the_least_used_items_first(int sittingSeed, PositiveInt size, PositiveInt perForm, PositiveInt depth)
    {
        var (candidates, count) = (2 + (size.Get % 30), 1 + (perForm.Get % 6));
        var available = count + (depth.Get % (3 * count + 4));
        var items = Enumerable.Range(0, available).Select(n => SamplingBanks.Item($"i-{n:000}", ItemType.Single, ["1.1"])).ToList();
        var unit = SamplingBanks.Unit(items, 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, count, null, null));

        var sitting = Sampler.AssembleSitting(unit, blueprint, Enumerable.Repeat(CandidateHistory.None, candidates).ToList(), NoExposure, sittingSeed, SamplingBanks.Today);

        var uses = items.ToDictionary(i => i.Id, _ => 0);
        var greedy = new List<HashSet<string>>();
        for (var c = 0; c < candidates; c++)
        {
            var form = uses.OrderBy(u => u.Value).ThenBy(u => u.Key, StringComparer.Ordinal).Take(count).Select(u => u.Key).ToHashSet();
            foreach (var id in form)
            {
                uses[id]++;
            }

            greedy.Add(form);
        }

        var greedyLargest = greedy.SelectMany((a, i) => greedy.Skip(i + 1).Select(b => a.Count(b.Contains))).DefaultIfEmpty(0).Max();
        return (sitting.LargestPairwiseOverlap <= greedyLargest)
            .Label($"sampler {sitting.LargestPairwiseOverlap} > least-used greedy {greedyLargest} ({candidates} candidates, {count} of {available} items)");
    }

    internal static int LargestOverlap(IReadOnlyList<Form> forms)
    {
        var sets = forms.Select(form => form.Items.Select(item => item.ItemId).ToHashSet()).ToList();
        var largest = 0;
        for (var a = 0; a < sets.Count; a++)
        {
            for (var b = a + 1; b < sets.Count; b++)
            {
                largest = Math.Max(largest, sets[a].Count(sets[b].Contains));
            }
        }

        return largest;
    }

    private static bool AddsUpTo(IEnumerable<int> marks, int target)
    {
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
