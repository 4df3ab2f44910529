using AssessmentEngine.ItemBank;
using BenchmarkDotNet.Attributes;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// Lint and render 10,000 generated items: LoadFiles parses every file, lints it, renders and sanitises every
/// Markdown part, and checks the blueprint's feasibility. It runs on one thread, so the figure is one core's.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class ItemBankBenchmarks
{
    private Dictionary<string, byte[]> _files = [];
    private List<Item> _items = [];

    [GlobalSetup]
    public void Setup()
    {
        _files = GeneratedBank.Create(10_000);
        var load = ItemBankLoader.LoadFiles(_files, new LoadOptions(new DateOnly(2026, 1, 1)));
        _items = load.Units.SelectMany(unit => unit.Items).ToList();
        if (_items.Count != 10_000 || load.HasErrors)
        {
            throw new InvalidOperationException($"the generated bank should load clean: {_items.Count} items; {string.Join("; ", load.Diagnostics.Take(5))}");
        }
    }

    [Benchmark(Description = "ItemBank: lint + render 10,000 items")]
    public int LintAndRender() => ItemBankLoader.LoadFiles(_files, new LoadOptions(new DateOnly(2026, 1, 1))).Units[0].Items.Count;

    [Benchmark(Description = "ItemBank: candidate HTML for 10,000 items")]
    public int CandidateHtml()
    {
        var length = 0;
        foreach (var item in _items)
        {
            length += ItemRenderer.CandidateHtml(item).Length;
        }

        return length;
    }
}
