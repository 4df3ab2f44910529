using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.ItemBank.Tests.Sampling;

/// <summary>The sampler on the real seed banks in itembank/: exposure over many forms, and three occasions without repeats, every form worth the blueprint's marks and covering every statement.</summary>
public sealed class RealBankSamplingTests
{
    [Fact]
    public void Over_ten_thousand_FE6V_35_forms_every_item_that_can_make_its_sections_marks_is_used_within_15_percent_of_their_mean()
    {
        var unit = SamplingBanks.RealUnit("fe6v35");
        var blueprint = unit.Blueprints.Single();
        var plan = SamplingPlan.Prepare(unit, blueprint, SamplingBanks.Today);

        // Sittings of 25 fresh candidates, exposure carried from one sitting to the next, as in a busy centre.
        var exposure = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var sitting = 0; sitting < 400; sitting++)
        {
            var forms = plan.AssembleSitting(Enumerable.Repeat(CandidateHistory.None, 25).ToList(), exposure, seed: sitting).Forms;
            foreach (var item in forms.SelectMany(form => form.Items))
            {
                exposure[item.ItemId] = exposure.GetValueOrDefault(item.ItemId) + 1;
            }
        }

        // Every form has the blueprint's items, or its marks exactly, section by section.
        var eligible = plan.EligibleItems;
        var marksOf = eligible.ToDictionary(item => item.Id, item => item.Marks, StringComparer.Ordinal);
        var byMarks = blueprint.Sections.Where(section => section.Marks is not null).ToList();
        Assert.Equal(10_000 * blueprint.Sections.Sum(section => section.Items ?? 0), exposure.Where(entry => !byMarks.Any(section => Serves(section, eligible.First(item => item.Id == entry.Key)))).Sum(entry => entry.Value));
        Assert.Equal(10_000 * byMarks.Sum(section => section.Marks!.Value), exposure.Where(entry => byMarks.Any(section => Serves(section, eligible.First(item => item.Id == entry.Key)))).Sum(entry => entry.Value * marksOf[entry.Key]));

        // The least used item goes first (rule 5), so every item is used within 15 % of its section's mean. A section by
        // marks has more items on a form that draws cheap ones, but the least used item still goes first among those that
        // keep the total reachable, so items of every marks value are used alike. The exceptions: an item no set of the
        // section's items with it adds up to the section's marks is never drawn (the blueprint chooses that; lint's
        // feasibility does not mind); and an item with enemies (excludes) cannot join a form that already holds one, so it
        // is used less, but never starved (at least half the mean).
        foreach (var (section, k) in blueprint.Sections.Select((section, k) => (section, k)))
        {
            var items = eligible.Where(item => Serves(section, item)).ToList();
            var usable = section.Marks is not { } marks ? items : items.Where(item => SamplingBanks.AddsUpTo(items.Where(other => other != item).Select(other => other.Marks), marks - item.Marks)).ToList();
            Assert.All(items.Except(usable), item => Assert.Equal(0, exposure.GetValueOrDefault(item.Id)));
            var mean = usable.Average(item => exposure.GetValueOrDefault(item.Id));
            Assert.All(usable.Where(item => item.Excludes.Count == 0), item => Assert.True(Math.Abs(exposure.GetValueOrDefault(item.Id) - mean) <= 0.15 * mean,
                $"{item.Id} ({item.Marks} marks) in section {k + 1} was used {exposure.GetValueOrDefault(item.Id)} times; the mean of the section's items that can make its marks is {mean:0.0}"));
            Assert.All(usable.Where(item => item.Excludes.Count > 0), item => Assert.InRange(exposure.GetValueOrDefault(item.Id), mean / 2, mean * 1.15));
        }
    }

    // The real banks keep sections apart: an objective and a written section of one outcome differ in types.
    private static bool Serves(BlueprintSection section, Item item) =>
        section.Types!.Contains(item.Type) && item.Statements.Any(reference => reference.StartsWith($"{section.Outcome}.", StringComparison.Ordinal));

    [Theory]
    [InlineData("fe6v35")]
    [InlineData("cg-305-695")]
    [InlineData("ocr-03456-f3")]
    [InlineData("ocr-03456-f4")]
    public void Thirty_candidates_sit_three_occasions_without_meeting_an_item_twice(string folder)
    {
        var unit = SamplingBanks.RealUnit(folder);

        var report = Simulation.Run(unit, unit.Blueprints.Single(), candidates: 30, occasions: 3, seed: 2026, SamplingBanks.Today);

        Assert.Empty(report.Infeasibilities);
        Assert.Equal(3, report.PerOccasion.Count);
        Assert.All(report.PerCandidate, candidate => Assert.Equal(0, candidate.Repeats));
        Assert.All(report.PerCandidate, candidate => Assert.Equal(candidate.StatementsSampled, candidate.StatementsCovered));
        // The bound spreads the sitting's item-uses evenly over the whole pool; it ignores that on occasions 2 and 3 each
        // candidate must avoid the items they have seen, and that marks sections pick for coverage and exact totals. Over
        // 6 units × 4 seeds the largest overlap was 2 to 5 above it.
        Assert.All(report.PerOccasion, occasion => Assert.InRange(occasion.LargestPairwiseOverlap, occasion.OverlapLowerBound, occasion.OverlapLowerBound + 5));
        Assert.Empty(report.OutsideTolerance);
        Assert.All(report.PerForm, form => Assert.Empty(form.MissingStatements));
        Assert.All(report.PerForm, form => Assert.Empty(form.EnemyPairs));
        Assert.Contains("Largest pairwise overlap", report.ToString(), StringComparison.Ordinal);
    }
}
