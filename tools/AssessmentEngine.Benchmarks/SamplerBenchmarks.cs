using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using BenchmarkDotNet.Attributes;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// The sampler on a generated 5,000-item bank (GeneratedBank: 5 outcomes × 10 statements, every type) with a 40-item
/// blueprint: per outcome 7 objective items and 1 extended. Exposure counts for every item are passed in, as a live
/// centre would. Single-threaded.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class SamplerBenchmarks
{
    private static readonly DateOnly Today = new(2026, 1, 1);
    private static readonly ItemType[] Objective = [ItemType.Single, ItemType.Multiple, ItemType.TrueFalse, ItemType.Match, ItemType.Short];

    private Unit _unit = null!;
    private Blueprint _blueprint = null!;
    private SamplingPlan _plan = null!;
    private Dictionary<string, int> _exposure = [];
    private CandidateHistory _resitter = CandidateHistory.None;
    private List<CandidateHistory> _sitting = [];
    private int _seed;

    [GlobalSetup]
    public void Setup()
    {
        var load = ItemBankLoader.LoadFiles(GeneratedBank.Create(5_000), new LoadOptions(Today));
        _unit = load.Units.Single();
        _blueprint = _unit.Blueprints.Single() with
        {
            Id = "gen-40",
            Sections = [.. Enumerable.Range(1, 5).SelectMany(outcome => new[]
            {
                new BlueprintSection(outcome, 7, null, Objective),
                new BlueprintSection(outcome, 1, null, [ItemType.Extended]),
            })],
        };
        _plan = SamplingPlan.Prepare(_unit, _blueprint, Today);
        var random = new Random(7);
        _exposure = _unit.Items.ToDictionary(item => item.Id, _ => random.Next(0, 50), StringComparer.Ordinal);

        // A candidate on their third occasion: two earlier forms' items shown and statements tested.
        var first = _plan.Assemble(CandidateHistory.None, [], _exposure, 1);
        var second = _plan.Assemble(CandidateHistory.None.After(first, DateTimeOffset.UnixEpoch), [], _exposure, 2);
        _resitter = CandidateHistory.None.After(first, DateTimeOffset.UnixEpoch).After(second, DateTimeOffset.UnixEpoch.AddDays(7));
        _sitting = [.. Enumerable.Repeat(CandidateHistory.None, 500)];
        if (_unit.Items.Count != 5_000 || first.Items.Count != 40)
        {
            throw new InvalidOperationException($"expected 5,000 items and 40-item forms, got {_unit.Items.Count} and {first.Items.Count}");
        }
    }

    [Benchmark(Description = "Sampler: 40-item form, prepared plan")]
    public int Form() => _plan.Assemble(CandidateHistory.None, [], _exposure, ++_seed).Items.Count;

    [Benchmark(Description = "Sampler: 40-item form, third occasion")]
    public int FormForAResit() => _plan.Assemble(_resitter, [], _exposure, ++_seed).Items.Count;

    [Benchmark(Description = "Sampler: prepare plan + 40-item form")]
    public int FormFromScratch() => Sampler.Assemble(_unit, _blueprint, CandidateHistory.None, [], _exposure, ++_seed, Today).Items.Count;

    [Benchmark(Description = "Sampler: sitting of 500 candidates")]
    public int SittingOf500() => _plan.AssembleSitting(_sitting, _exposure, ++_seed).LargestPairwiseOverlap;
}
