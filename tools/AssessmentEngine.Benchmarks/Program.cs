using AssessmentEngine.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "export-peak")
{
    return await ExportRun.PeakAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(ItemBankBenchmarks).Assembly).Run(args);
return 0;
