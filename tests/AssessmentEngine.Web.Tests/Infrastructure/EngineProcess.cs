using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>The engine as its own process (the built AssessmentEngine.Web.dll) on a loopback port: a node that can be killed.</summary>
public sealed class EngineProcess : IDisposable
{
    private readonly Process _process;

    private EngineProcess(Process process, int port) => (_process, BaseAddress) = (process, new Uri($"http://127.0.0.1:{port}"));

    public Uri BaseAddress { get; }

    public static EngineProcess Start(string connectionString, string roles, IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var folder = Path.Combine(BankFolder.RepositoryRoot, "src", "AssessmentEngine.Web", "bin", configuration, "net10.0");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "AssessmentEngine.Web.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Node__Roles"] = roles;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["SignIn__PermitsPerMinute"] = "1000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the engine did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new EngineProcess(process, port);
    }

    /// <summary>
    /// Waits until the node answers 200 on /health. A probe that is refused, times out or gets a 503 means "not yet"
    /// (a node starting on a busy machine may take many seconds to answer its first request). A node that exits, or is
    /// still not healthy after the overall limit, is stopped before the failure is thrown: nothing is left running.
    /// </summary>
    public async Task<EngineProcess> HealthyAsync(TimeSpan? within = null)
    {
        try
        {
            await WaitUntilHealthyAsync(BaseAddress, () => _process.HasExited, within ?? Waits.ProcessStart);
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The process's id, while it runs.</summary>
    public int Id => _process.Id;

    /// <summary>Asks <paramref name="node"/>'s /health until it answers 200; refused, timed-out and 503 answers mean "not yet".</summary>
    public static async Task WaitUntilHealthyAsync(Uri node, Func<bool> exited, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.GetAsync(async () =>
        {
            if (exited())
            {
                throw new InvalidOperationException($"the node on {node} exited while starting");
            }

            return await Probe.StatusAsync(http, new Uri(node, "/health")) ?? HttpStatusCode.ServiceUnavailable;
        }, status => status == HttpStatusCode.OK, within, $"the health of the node on {node}");
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to anyone.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A private redis-server on a loopback port, for the SignalR backplane between nodes (./ae test installs Debian's redis-server).</summary>
public sealed class RedisServer : IDisposable
{
    public const string Executable = "/usr/bin/redis-server";
    private readonly Process _process;

    private RedisServer(Process process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. ./ae test installs it (apt-get install redis-server) when run as root; install it and run the tests again.");
        }

        var port = EngineProcess.FreePort();
        var process = Process.Start(new ProcessStartInfo(Executable, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisServer(process, port);
        try
        {
            await Eventually.GetAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited with {process.ExitCode} while starting");
                }

                return await Probe.AcceptsAsync(port);
            }, up => up, Waits.ProcessStart, "redis-server");
            return redis;
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
    }
}
