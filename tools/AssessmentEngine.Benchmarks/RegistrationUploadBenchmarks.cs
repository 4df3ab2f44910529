using System.Diagnostics;
using System.Globalization;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Identity;
using BenchmarkDotNet.Attributes;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// Refusing the two registration workbooks made to exhaust a reader that loads them whole (HostileWorkbooks, which the
/// web tests use too): a sparse one of a few KB with cells at A1 and XFD20001, and a zip bomb just under the 10 MB upload
/// limit that unpacks to about ten thousand million bytes. Each is read as the Candidates page reads an upload.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class RegistrationUploadBenchmarks
{
    private byte[] _sparse = [];
    private byte[] _bomb = [];

    [GlobalSetup]
    public void Setup()
    {
        _sparse = HostileWorkbooks.Sparse();
        _bomb = HostileWorkbooks.ZipBomb();
    }

    [Benchmark(Description = "Refuse the sparse workbook (A1, XFD20001)")]
    public int Sparse() => UploadRun.Read(new MemoryStream(_sparse)).Errors.Count;

    [Benchmark(Description = "Refuse the 10 MB zip bomb")]
    public int ZipBomb() => UploadRun.Read(new MemoryStream(_bomb)).Errors.Count;
}

/// <summary>The same refusals outside BenchmarkDotNet, one fresh process each, for the peak working set it does not report.</summary>
public static class UploadRun
{
    public static CandidateFile Read(Stream file) =>
        CandidateFileReader.Read(file, "candidates.xlsx", new HashSet<string>(), new DateOnly(2026, 11, 25));

    /// <summary><c>upload-files [folder]</c>: writes sparse.xlsx and zip-bomb.xlsx into the folder (the temporary one by default).</summary>
    public static int WriteFiles(string[] args)
    {
        var folder = args.Length > 1 ? args[1] : Path.GetTempPath();
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in new[] { ("sparse.xlsx", HostileWorkbooks.Sparse()), ("zip-bomb.xlsx", HostileWorkbooks.ZipBomb()) })
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, content);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {content.Length:N0} bytes"));
        }

        return 0;
    }

    /// <summary>
    /// <c>upload-peak file…</c>: reads each file from disk (where the page's upload is buffered) as the Candidates page does,
    /// and prints what the reader said, the time, the allocation and the process's peak working set. Every two seconds
    /// it prints the working set and the managed heap, so a run that never ends still shows how far it went.
    /// </summary>
    public static int Peak(string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed.TotalSeconds,6:F1} s  working set {Environment.WorkingSet / 1048576.0:F0} MB, managed heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB")),
            null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        Console.WriteLine($"before reading: peak working set {PeakWorkingSetMegabytes():F0} MB");
        foreach (var path in args.Skip(1))
        {
            var started = clock.Elapsed;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            using var file = File.OpenRead(path);
            var read = Read(file);
            var said = read.Errors.Count > 0 ? string.Join("; ", read.Errors) : $"{read.Rows.Count} candidate(s), no errors";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: {(clock.Elapsed - started).TotalMilliseconds:F1} ms, allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:F1} MB: {said}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {PeakWorkingSetMegabytes():F0} MB"));
        return 0;
    }

    private static double PeakWorkingSetMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1048576.0;
    }
}
