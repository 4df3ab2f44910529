using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AssessmentEngine.Benchmarks.ItemBankBenchmarks).Assembly).Run(args);
