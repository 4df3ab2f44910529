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

    public async Task<EngineProcess> HealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.GetAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/health"));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), $"the health of the node on {BaseAddress}");
        return this;
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
        await Eventually.GetAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, up => up, TimeSpan.FromSeconds(20), "redis-server");
        return new RedisServer(process, port);
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
