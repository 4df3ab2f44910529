using System.Diagnostics;
using System.Globalization;
using System.Text;
using AssessmentEngine.Web.Features.Moderation;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// The moderation workbook for 100,000 generated attempts (1.6 million responses), written to a temporary file with
/// its Marks CSV. The attempts are generated as they are written, so the figure includes making them (with Bogus),
/// much as the export job's includes reading them.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ModerationWorkbookBenchmarks
{
    private GeneratedAttempts _generated = null!;

    [Params(100_000)]
    public int Attempts { get; set; }

    [GlobalSetup]
    public void Setup() => _generated = new GeneratedAttempts();

    [Benchmark(Description = "Moderation workbook: write")]
    public async Task<int> Write() => (await ExportRun.WriteAsync(_generated, Attempts, Path.GetTempFileName(), keep: false)).Attempts;
}

/// <summary>One export outside BenchmarkDotNet, for the peak working set (which BenchmarkDotNet does not report).</summary>
public static class ExportRun
{
    public static async Task<WorkbookCounts> WriteAsync(GeneratedAttempts generated, int attempts, string path, bool keep)
    {
        var csvPath = path + ".csv";
        try
        {
            await using var xlsx = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            await using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(true), 1 << 16);
            var workbook = new MarksWorkbook(generated.Units, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
            return await workbook.WriteAsync(xlsx, csv, generated.AttemptsAsync(attempts), generated.IncidentsAsync, CancellationToken.None);
        }
        finally
        {
            if (!keep)
            {
                File.Delete(path);
                File.Delete(csvPath);
            }
        }
    }

    /// <summary><c>export-peak 100000 [path]</c>: writes one workbook and prints the time, the peak working set and the sizes.</summary>
    public static async Task<int> PeakAsync(string[] args)
    {
        var attempts = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var path = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "moderation-benchmark.xlsx");
        var generated = new GeneratedAttempts();
        var clock = Stopwatch.StartNew();
        var counts = await WriteAsync(generated, attempts, path, keep: true);
        clock.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{counts.Attempts:N0} attempts, {counts.Responses:N0} responses on {counts.ResponseSheets} sheet(s), {counts.Items:N0} items, {counts.Incidents:N0} incidents"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time {clock.Elapsed.TotalSeconds:F1} s; peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MB; allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workbook {new FileInfo(path).Length / 1048576.0:F1} MB ({path}); Marks CSV {new FileInfo(path + ".csv").Length / 1048576.0:F1} MB"));
        return 0;
    }
}
