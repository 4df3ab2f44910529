using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.ItemBank.Tests.Sampling;

/// <summary>The sampler on the real seed banks in itembank/: exposure over many forms, and three occasions without repeats.</summary>
public sealed class RealBankSamplingTests
{
    [Fact]
    public void Over_ten_thousand_FE6V_35_forms_every_item_is_used_within_15_percent_of_its_sections_mean()
    {
        var unit = SamplingBanks.RealUnit("fe6v35");
        var blueprint = unit.Blueprints.Single();
        var plan = SamplingPlan.Prepare(unit, blueprint, SamplingBanks.Today);

        // Sittings of 25 fresh candidates, exposure carried from one sitting to the next, as in a busy centre.
        var exposure = new Dictionary<string, int>(StringComparer.Ordinal);
        var sectionOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var sitting = 0; sitting < 400; sitting++)
        {
            var forms = plan.AssembleSitting(Enumerable.Repeat(CandidateHistory.None, 25).ToList(), exposure, seed: sitting).Forms;
            foreach (var item in forms.SelectMany(form => form.Items))
            {
                exposure[item.ItemId] = exposure.GetValueOrDefault(item.ItemId) + 1;
                sectionOf[item.ItemId] = item.Section;
            }
        }

        Assert.Equal(10_000 * blueprint.Sections.Sum(section => section.Items!.Value), exposure.Values.Sum());
        var eligible = plan.EligibleItems;
        Assert.All(eligible, item => Assert.True(exposure.ContainsKey(item.Id), $"{item.Id} was never drawn"));
        foreach (var section in eligible.GroupBy(item => sectionOf[item.Id]))
        {
            var mean = section.Average(item => exposure[item.Id]);
            Assert.All(section, item => Assert.True(Math.Abs(exposure[item.Id] - mean) <= 0.15 * mean,
                $"{item.Id} in section {section.Key} was used {exposure[item.Id]} times; the section's mean is {mean:0.0}"));
        }
    }

    [Theory]
    [InlineData("fe6v35")]
    [InlineData("cg-305-695")]
    [InlineData("cg-4417-301")]
    [InlineData("cg-4417-302")]
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
        Assert.All(report.PerOccasion, occasion => Assert.InRange(occasion.LargestPairwiseOverlap, occasion.OverlapLowerBound, occasion.OverlapLowerBound + 4));
        Assert.Contains("Largest pairwise overlap", report.ToString(), StringComparison.Ordinal);
    }
}
