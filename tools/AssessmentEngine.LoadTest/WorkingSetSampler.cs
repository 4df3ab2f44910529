using System.Diagnostics;

namespace AssessmentEngine.LoadTest;

/// <summary>One reading of the engine's resident set: seconds since the run started, the phase, MB.</summary>
public sealed record WorkingSetSample(double At, string Phase, double Mb);

/// <summary>The engine's resident set in one phase: how many readings, their median and their peak, in MB.</summary>
public sealed record WorkingSetPhase(string Phase, int Samples, double MedianMb, double PeakMb);

/// <summary>
/// Reads the engine's resident set (VmRSS from /proc/PID/status, summed over its processes) every 250 ms: what the
/// operating system holds for it, the GC's free space included, rather than the PSS the exam run's sampler reports
/// every two seconds; a file's bytes held in memory for a moment show here.
/// </summary>
public sealed class WorkingSetSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly IReadOnlyList<int> _engine;
    private readonly List<WorkingSetSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Task _sampling;
    private string _phase = "idle";

    public WorkingSetSampler()
    {
        _engine = ProcessSampler.EngineProcesses();
        if (_engine.Count == 0)
        {
            throw new ArgumentException("no engine process (AssessmentEngine.Web.dll) on this machine: its working set is read from /proc, so run the tool beside the engine.");
        }

        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Readings from now on belong to <paramref name="phase"/>.</summary>
    public void Phase(string phase)
    {
        lock (_samples)
        {
            _phase = phase;
        }
    }

    public IReadOnlyList<WorkingSetSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToList();
            }
        }
    }

    public IReadOnlyList<WorkingSetPhase> Summary() => Samples.GroupBy(s => s.Phase).Select(phase =>
    {
        var values = phase.Select(s => s.Mb).Order().ToList();
        return new WorkingSetPhase(phase.Key, values.Count, values[values.Count / 2], values[^1]);
    }).ToList();

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var mb = Math.Round(_engine.Sum(ResidentKb) / 1024.0, 1);
            lock (_samples)
            {
                _samples.Add(new WorkingSetSample(Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 2), _phase, mb));
            }
        }
        while (await Tick(timer));
    }

    private async Task<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false; // the run is over
        }
    }

    private static long ResidentKb(int pid) => ProcessSampler.Kilobytes(pid, "status", "VmRSS:");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
