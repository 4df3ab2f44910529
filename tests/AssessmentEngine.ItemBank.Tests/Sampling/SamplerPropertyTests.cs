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
                Assert.False(SamplingBanks.AddsUpTo(pool.Select(item => item.Marks), section.Marks!.Value), "exactly the marks were possible");
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

    /// <summary>
    /// Enemy items (each gives the other's answer away) never share a form while the bank can keep them apart; when it
    /// cannot, the form says so in a note rather than failing on the day.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Enemy_items_never_share_a_form_and_a_form_that_cannot_avoid_it_says_so(int bankSeed, int formSeed)
    {
        var (unit, blueprint) = SamplingBanks.RandomCase(bankSeed);
        if (Feasibility.Check(unit, blueprint with { Occasions = 1 }, SamplingBanks.Today).Count > 0)
        {
            return true.Classify(true, "infeasible");
        }

        // Pair up some items of the same outcome as enemies, named both ways.
        var random = new System.Random(bankSeed ^ formSeed);
        var enemies = new Dictionary<string, List<string>>();
        var items = unit.Items.ToList();
        for (var n = 0; n < items.Count / 3; n++)
        {
            var (a, b) = (items[random.Next(items.Count)], items[random.Next(items.Count)]);
            if (a.Id != b.Id)
            {
                (enemies.TryGetValue(a.Id, out var ea) ? ea : enemies[a.Id] = []).Add(b.Id);
                (enemies.TryGetValue(b.Id, out var eb) ? eb : enemies[b.Id] = []).Add(a.Id);
            }
        }

        unit = unit with { Items = [.. items.Select(item => enemies.TryGetValue(item.Id, out var list) ? item with { Excludes = list } : item)] };
        var history = SamplingBanks.RandomHistory(unit, formSeed);
        var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, formSeed, SamplingBanks.Today);
        var on = form.Items.Select(entry => entry.ItemId).ToHashSet();
        var together = on.SelectMany(id => enemies.GetValueOrDefault(id, []).Where(on.Contains).Select(other => (id, other))).ToList();
        foreach (var (id, other) in together)
        {
            Assert.True(form.Notes.Any(note => note.Contains(id, StringComparison.Ordinal) || note.Contains(other, StringComparison.Ordinal)),
                $"{id} and {other} exclude each other but share a form with no note: {string.Join("; ", form.Notes)}");
        }

        return true.Classify(together.Count > 0, "could not keep them apart").Classify(enemies.Count > 0, "with enemies");
    }

    [Fact]
    public void A_marks_section_the_bank_can_fill_is_not_refused_for_the_order_of_its_item_ids()
    {
        // 6 marks from items of 1, 2, 1, 2, 2 marks: three 2-mark items do it. (Found by the coverage property below:
        // feasibility placed items by id, took 1 + 2 + 1 into the three slots and called the section short.)
        var items = new[] { 1, 2, 1, 2, 2 }.Select((marks, n) => SamplingBanks.Item($"i-{n:000}", ItemType.Single, ["1.1"], marks)).ToList();
        var unit = SamplingBanks.Unit(items, 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 6, null)) with { Occasions = 1 };

        Assert.Empty(Feasibility.Check(unit, blueprint, SamplingBanks.Today));
        var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, 1, SamplingBanks.Today);
        Assert.Equal(6, form.Items.Sum(entry => items.Single(item => item.Id == entry.ItemId).Marks));
    }

    [Fact]
    public void A_marks_section_keeps_enough_marks_in_hand_to_cover_every_statement()
    {
        // 4 marks over three statements: each has a 1-mark and a 3-mark item. A 3-mark item first would leave one mark
        // for two statements; every form must instead be three or four small items covering all three.
        var items = new[] { "1.1", "1.2", "1.3" }.SelectMany(s => new[]
        {
            SamplingBanks.Item($"small-{s}", ItemType.Single, [s], 1), SamplingBanks.Item($"small2-{s}", ItemType.Single, [s], 1),
            SamplingBanks.Item($"large-{s}", ItemType.Single, [s], 3),
        }).ToList();
        var unit = SamplingBanks.Unit(items, 3);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 4, null)) with { Occasions = 1 };
        for (var seed = 0; seed < 50; seed++)
        {
            var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, seed, SamplingBanks.Today);
            Assert.True(form.StatementsCovered.Count == 3, $"seed {seed}: {string.Join(", ", form.Items.Select(item => item.ItemId))}");
        }
    }

    [Fact]
    public void A_marks_section_is_made_of_unseen_items_whenever_they_can_make_its_total()
    {
        // 4 marks; unseen: one 3-mark and two 2-mark items; seen last time: one 1-mark item. 2 + 2 makes it unseen; an
        // unseen 3 first would leave a gap only the seen item fills.
        var items = new List<Item>
        {
            SamplingBanks.Item("three", ItemType.Single, ["1.1"], 3), SamplingBanks.Item("two-a", ItemType.Single, ["1.1"], 2),
            SamplingBanks.Item("two-b", ItemType.Single, ["1.1"], 2), SamplingBanks.Item("one", ItemType.Single, ["1.1"], 1),
        };
        var unit = SamplingBanks.Unit(items, 1);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 4, null)) with { Occasions = 1 };
        var seen = new CandidateHistory([new ShownItem("one", new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero))], ["1.1"]);
        for (var seed = 0; seed < 50; seed++)
        {
            var form = Sampler.Assemble(unit, blueprint, seen, [], NoExposure, seed, SamplingBanks.Today);
            Assert.True(form.Reused.Count == 0, $"seed {seed}: {string.Join(", ", form.Items.Select(item => item.ItemId))}");
        }
    }

    [Fact]
    public void Extra_items_come_from_deep_statements_so_a_shallow_one_is_covered_on_every_occasion()
    {
        // Three picks over statements 1.1 (three items: one an occasion) and 1.2 (nine), three occasions: the extra pick
        // of each form must come from 1.2, or the third occasion has no unseen item of 1.1 left.
        var items = Enumerable.Range(0, 3).Select(n => SamplingBanks.Item($"shallow-{n}", ItemType.Single, ["1.1"]))
            .Concat(Enumerable.Range(0, 9).Select(n => SamplingBanks.Item($"deep-{n}", ItemType.Single, ["1.2"]))).ToList();
        var unit = SamplingBanks.Unit(items, 2);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 3, null, null));
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        for (var seed = 0; seed < 30; seed++)
        {
            var history = CandidateHistory.None;
            for (var occasion = 0; occasion < 3; occasion++)
            {
                var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, SplitMix.Derive(seed, occasion), SamplingBanks.Today);
                Assert.True(form.StatementsCovered.Count == 2 && form.Reused.Count == 0,
                    $"seed {seed}, occasion {occasion + 1}: {string.Join(", ", form.Items.Select(item => item.ItemId))}");
                history = history.After(form, start.AddDays(7 * occasion));
            }
        }
    }

    [Fact]
    public void A_marks_section_spends_on_dearer_items_early_so_the_last_occasion_can_still_cover_every_statement()
    {
        // Six statements, each with items of 1, 1, 2 and 3 marks; 9 marks a form, three occasions. Each statement needs
        // three items over the occasions, at least 1 + 1 + 2 = 4 marks: 24 of the 27 marks. A first form that covers
        // every statement with a 1-mark item and fills up with extras leaves the last form 2- and 3-mark items, at
        // least 12 marks for six statements; the early forms must take some 2-mark items instead.
        int[] marks = [1, 1, 2, 3];
        var items = Enumerable.Range(1, 6).SelectMany(s => marks.Select((m, n) => SamplingBanks.Item($"i-{s}-{n}", ItemType.Single, [$"1.{s}"], marks: m))).ToList();
        var unit = SamplingBanks.Unit(items, 6);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, null, 9, null));
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        for (var seed = 0; seed < 30; seed++)
        {
            var history = CandidateHistory.None;
            for (var occasion = 0; occasion < 3; occasion++)
            {
                var form = Sampler.Assemble(unit, blueprint, history, [], NoExposure, SplitMix.Derive(seed, occasion), SamplingBanks.Today);
                var total = form.Items.Sum(item => items.Single(i => i.Id == item.ItemId).Marks);
                Assert.True(form.StatementsCovered.Count == 6 && form.Reused.Count == 0 && total == 9,
                    $"seed {seed}, occasion {occasion + 1}: {total} marks, {string.Join(", ", form.Items.Select(item => item.ItemId))}");
                history = history.After(form, start.AddDays(7 * occasion));
            }
        }
    }

    [Fact]
    public void Enemy_items_are_kept_apart_although_they_are_the_only_ones_adding_their_statement()
    {
        // Two items of statement 1.2, enemies; a section of 3 from statements 1.1 and 1.2 would take both to spread.
        var items = new List<Item>
        {
            SamplingBanks.Item("a-1", ItemType.Single, ["1.1"]), SamplingBanks.Item("a-2", ItemType.Single, ["1.1"]), SamplingBanks.Item("a-3", ItemType.Single, ["1.1"]),
            SamplingBanks.Item("b-1", ItemType.Single, ["1.2"]) with { Excludes = ["b-2"] }, SamplingBanks.Item("b-2", ItemType.Single, ["1.2"]) with { Excludes = ["b-1"] },
        };
        var unit = SamplingBanks.Unit(items, 2);
        var blueprint = SamplingBanks.Blueprint(new BlueprintSection(1, 3, null, null));
        for (var seed = 0; seed < 50; seed++)
        {
            var form = Sampler.Assemble(unit, blueprint, CandidateHistory.None, [], NoExposure, seed, SamplingBanks.Today);
            var ids = form.Items.Select(item => item.ItemId).ToList();
            Assert.False(ids.Contains("b-1") && ids.Contains("b-2"), $"seed {seed}: {string.Join(", ", ids)}");
            Assert.Contains("1.2", form.StatementsCovered);
        }
    }

    /// <summary>
    /// Every statement on every occasion: when each section has a place for every statement of its outcome and the bank
    /// is deep enough that unseen items of every statement remain, every candidate's form on every occasion covers every
    /// statement, by count and by marks.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Every_form_on_every_occasion_covers_every_statement_while_the_bank_allows(int sittingSeed, PositiveInt size, PositiveInt extra, PositiveInt statements, bool byMarks)
    {
        var (candidates, statementCount, occasions) = (2 + (size.Get % 8), 1 + (statements.Get % 5), 3);
        var perForm = statementCount + (extra.Get % 3);
        var items = Enumerable.Range(1, statementCount)
            .SelectMany(s => Enumerable.Range(0, occasions * perForm + 1).Select(n => SamplingBanks.Item($"i-{s}-{n:000}", ItemType.Single, [$"1.{s}"], marks: 1 + (n % 2))))
            .ToList();
        var unit = SamplingBanks.Unit(items, statementCount);
        var blueprint = SamplingBanks.Blueprint(byMarks ? new BlueprintSection(1, null, 2 * perForm, null) : new BlueprintSection(1, perForm, null, null));
        var histories = Enumerable.Repeat(CandidateHistory.None, candidates).ToArray();
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        for (var occasion = 0; occasion < occasions; occasion++)
        {
            var sitting = Sampler.AssembleSitting(unit, blueprint, histories, NoExposure, SplitMix.Derive(sittingSeed, occasion), SamplingBanks.Today);
            for (var c = 0; c < candidates; c++)
            {
                var form = sitting.Forms[c];
                Assert.True(form.StatementsCovered.Count == statementCount,
                    $"occasion {occasion + 1}, candidate {c + 1}: covers {string.Join(", ", form.StatementsCovered)} of {statementCount}; items {string.Join(", ", form.Items.Select(i => i.ItemId))}");
                histories[c] = histories[c].After(form, start.AddDays(7 * occasion));
            }
        }

        return true.Classify(byMarks, "by marks");
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
}
