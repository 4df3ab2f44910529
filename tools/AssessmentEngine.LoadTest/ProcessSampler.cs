using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AssessmentEngine.LoadTest;

/// <summary>CPU (in cores) and memory of a group of processes during one phase of the run: mean and peak.</summary>
public sealed record Usage(double MeanCores, double PeakCores, double MeanMemoryMb, double PeakMemoryMb);

/// <summary>What the engine, PostgreSQL and this tool used in one phase.</summary>
public sealed record PhaseUsage(string Phase, double Seconds, Usage Engine, Usage Postgres, Usage Tool);

/// <summary>
/// Samples /proc every two seconds: the engine (every process whose command line names AssessmentEngine.Web.dll, summed:
/// several nodes on one box count together; when some name a node's port, as `./ae up`'s --urls does, only those, so
/// engines of other checkouts on the box stay out), PostgreSQL
/// (every process named postgres: the postmaster and its backends) and this tool. CPU is the change in user + system
/// time between samples; memory is the proportional set size (PSS, from smaps_rollup), so PostgreSQL's shared buffers
/// count once rather than once per backend. A process that ends between two samples loses its last interval's CPU.
/// Linux only; elsewhere every figure is 0.
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly Dictionary<int, (string Group, double CpuSeconds)> _previous = [];
    private readonly HashSet<int> _engines = [];
    private readonly Regex? _nodePorts;
    private readonly List<(long At, string Phase, Dictionary<string, (double Cores, double MemoryMb)> Groups)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly int _self = Environment.ProcessId;
    private readonly Task _sampling;
    private long _lastAt;
    private string _phase = "start";

    /// <param name="nodes">The engine's nodes: engine processes whose command line names one of their ports are the ones sampled, if any do.</param>
    public ProcessSampler(IReadOnlyList<Uri>? nodes = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            _sampling = Task.CompletedTask;
            return;
        }

        if (nodes is { Count: > 0 })
        {
            var ports = new Regex($":({string.Join('|', nodes.Select(n => n.Port).Distinct())})(?![0-9])", RegexOptions.None, TimeSpan.FromSeconds(1));
            _nodePorts = EngineProcesses().Any(pid => NamesPort(pid, ports)) ? ports : null;
        }

        Snapshot(); // the baseline: CPU before the run is not counted
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Samples from now on belong to <paramref name="phase"/>.</summary>
    public void Phase(string phase)
    {
        lock (_samples)
        {
            _phase = phase;
        }
    }

    /// <summary>How many engine processes were sampled over the run (a node restarted counts twice).</summary>
    public int EngineProcessesSeen
    {
        get
        {
            lock (_engines)
            {
                return _engines.Count;
            }
        }
    }

    /// <summary>The engine's PSS in MB, read every 250 ms over <paramref name="over"/> and averaged: what it holds before anyone arrives.</summary>
    public async Task<double> EngineMemoryMbAsync(TimeSpan over, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            await Task.Delay(over, cancellationToken);
            return 0;
        }

        var readings = new List<double>();
        var until = Stopwatch.GetTimestamp() + (long)(over.TotalSeconds * Stopwatch.Frequency);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        do
        {
            readings.Add(EngineProcesses().Where(IsSampled).Sum(MemoryMb));
        }
        while (Stopwatch.GetTimestamp() < until && await timer.WaitForNextTickAsync(cancellationToken));

        return Math.Round(readings.Average(), 1);
    }

    public IReadOnlyList<PhaseUsage> Summary()
    {
        lock (_samples)
        {
            return _samples.GroupBy(s => s.Phase).Select(phase => new PhaseUsage(
                phase.Key,
                Math.Round(phase.Count() * Interval.TotalSeconds, 0),
                Of(phase, "engine"), Of(phase, "postgres"), Of(phase, "tool"))).ToList();
        }

        static Usage Of(IEnumerable<(long At, string Phase, Dictionary<string, (double Cores, double MemoryMb)> Groups)> samples, string group)
        {
            var values = samples.Select(s => s.Groups.GetValueOrDefault(group)).ToList();
            return new Usage(
                Math.Round(values.Average(v => v.Cores), 2), Math.Round(values.Max(v => v.Cores), 2),
                Math.Round(values.Average(v => v.MemoryMb), 0), Math.Round(values.Max(v => v.MemoryMb), 0));
        }
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Snapshot();
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private void Snapshot()
    {
        var at = Stopwatch.GetTimestamp();
        var seconds = _lastAt == 0 ? 0 : Stopwatch.GetElapsedTime(_lastAt, at).TotalSeconds;
        var groups = new Dictionary<string, (double Cores, double MemoryMb)>();
        var seen = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || Group(pid) is not { } group || Cpu(pid) is not { } cpu)
            {
                continue;
            }

            seen.Add(pid);
            if (group == "engine")
            {
                lock (_engines)
                {
                    _engines.Add(pid);
                }
            }

            // A process first seen after the baseline started during the run: all its CPU is the run's.
            var before = _previous.TryGetValue(pid, out var previous) ? previous.CpuSeconds : _lastAt == 0 ? cpu : 0;
            _previous[pid] = (group, cpu);
            var (cores, memory) = groups.GetValueOrDefault(group);
            groups[group] = (cores + (seconds > 0 ? (cpu - before) / seconds : 0), memory + MemoryMb(pid));
        }

        foreach (var gone in _previous.Keys.Where(pid => !seen.Contains(pid)).ToList())
        {
            _previous.Remove(gone);
        }

        if (_lastAt != 0)
        {
            lock (_samples)
            {
                _samples.Add((at, _phase, groups));
            }
        }

        _lastAt = at;
    }

    private string? Group(int pid)
    {
        if (pid == _self)
        {
            return "tool";
        }

        try
        {
            var name = File.ReadAllText($"/proc/{pid}/comm").Trim();
            if (name == "postgres")
            {
                return "postgres";
            }

            return IsEngine(pid, name) && IsSampled(pid) ? "engine" : null;
        }
        catch (IOException)
        {
            return null; // it ended
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The engine's processes now running (their command line names AssessmentEngine.Web.dll); none off Linux.</summary>
    public static IReadOnlyList<int> EngineProcesses()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(directory), out var pid) && IsEngine(pid, File.ReadAllText($"/proc/{pid}/comm").Trim()))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // It ended, or is not ours to read.
            }
        }

        return found;
    }

    /// <summary>An engine process this run samples: any, or those that name a node's port once one does.</summary>
    private bool IsSampled(int pid) => _nodePorts is null || NamesPort(pid, _nodePorts);

    private static bool NamesPort(int pid, Regex ports)
    {
        try
        {
            return ports.IsMatch(File.ReadAllText($"/proc/{pid}/cmdline"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsEngine(int pid, string name) =>
        (name.StartsWith("dotnet", StringComparison.Ordinal) || name.StartsWith("AssessmentEngin", StringComparison.Ordinal))
        && File.ReadAllText($"/proc/{pid}/cmdline").Contains("AssessmentEngine.Web.dll", StringComparison.Ordinal);

    private static double? Cpu(int pid)
    {
        try
        {
            // The command (field 2) may hold spaces: fields are counted after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double MemoryMb(int pid) => Kilobytes(pid, "smaps_rollup", "Pss:") / 1024.0;

    /// <summary>A field in kB of /proc/PID/<paramref name="file"/> (Pss: in smaps_rollup, VmRSS: in status); 0 once the process has ended.</summary>
    public static long Kilobytes(int pid, string file, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/{file}"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            // It ended, or is not ours to read.
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
