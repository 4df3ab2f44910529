using System.Diagnostics;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own, in a temporary folder, that the test may stop and start (the shared cluster
/// of ./ae test must stay up for every other test). Run as the postgres user when the tests run as root (initdb refuses root).
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PrivateCluster(string bin, string folder, int port) => (_bin, _folder, Port) = (bin, folder, port);

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=ae;Database=faults;Timeout=3";

    public static async Task<PrivateCluster> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin); ./ae test installs them.");
        }

        // Named with ./ae test's mark for this checkout, so a run that was interrupted has its folders swept by the next.
        var owner = Environment.GetEnvironmentVariable("AE_TEST_OWNER");
        var folder = Directory.CreateTempSubdirectory(owner is null ? "ae-fault-pg-" : $"ae-fault-pg-{owner}-").FullName;
        var cluster = new PrivateCluster(bin, folder, EngineProcess.FreePort());
        try
        {
            if (Environment.UserName == "root")
            {
                await RunAsync("chown", "-R", "postgres:postgres", folder);
            }

            await cluster.AsPostgresAsync("initdb", "-D", Path.Combine(folder, "data"), "-U", "ae", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8");
            await File.AppendAllTextAsync(Path.Combine(folder, "data", "postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 100\n");
            await cluster.StartAgainAsync();
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={cluster.Port};Username=ae;Database=postgres;Timeout=30");
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("create database faults", connection);
            await create.ExecuteNonQueryAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task StopAsync() => AsPostgresAsync("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "-t", "120", "stop");

    public Task StartAgainAsync() =>
        AsPostgresAsync("pg_ctl", "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "log"), "-o", $"-p {Port}", "-w", "-t", "120", "start");

    /// <summary>Stops the cluster (immediately, if a fast stop does not end it) and deletes its folder, pass or fail.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_folder, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                await StopAsync();
            }
            catch (InvalidOperationException)
            {
                // A fast stop that did not finish: immediate, which ends every backend at once.
                try
                {
                    await AsPostgresAsync("pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "60", "stop");
                }
                catch (InvalidOperationException)
                {
                    // Not running after all.
                }
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    private Task AsPostgresAsync(string program, params string[] arguments) => Environment.UserName == "root"
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments])
        : RunAsync(Path.Combine(_bin, program), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }
}

/// <summary>
/// A test that breaks things on purpose (kills a node, stops a database) and takes its time. They fit ./ae test's
/// time, so they run with the rest; ./ae test --no-faults (AE_TEST_FAULTS=0) leaves them out of a quick local run.
/// </summary>
public sealed class FaultFactAttribute : FactAttribute
{
    public FaultFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AE_TEST_FAULTS") == "0")
        {
            Skip = "a fault test, left out by ./ae test --no-faults";
        }
    }
}
