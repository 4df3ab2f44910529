using AssessmentEngine.Benchmarks;
using BenchmarkDotNet.Running;

return args.FirstOrDefault() switch
{
    "export-peak" => await ExportRun.PeakAsync(args),
    "upload-files" => UploadRun.WriteFiles(args),
    "upload-peak" => UploadRun.Peak(args),
    _ => Benchmarks(args),
};

static int Benchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ItemBankBenchmarks).Assembly).Run(args);
    return 0;
}
