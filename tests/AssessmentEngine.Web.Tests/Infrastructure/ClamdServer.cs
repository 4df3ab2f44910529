using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// Debian's clamd, run in the foreground for one test class on a port and a temporary directory of its own, knowing only the
/// project's signature file (Evidence/test-signatures.ndb): nothing is downloaded, and a match can only be ours. A test may
/// stop it and start it again on the same port to see how the scanner takes a daemon that is down. It listens on TCP and on a
/// Unix socket, the two kinds of address Evidence:Clamd takes.
/// </summary>
public sealed class ClamdServer : IAsyncLifetime, IDisposable
{
    public const string Executable = "/usr/sbin/clamd";
    public const string SignatureFile = "test-signatures.ndb";

    private readonly string _directory = Directory.CreateTempSubdirectory("ae-clamd-").FullName;
    private Process? _process;

    public int Port { get; } = EngineProcess.FreePort();

    /// <summary>The value of Evidence:Clamd that reaches this daemon over TCP.</summary>
    public string Address => $"tcp://127.0.0.1:{Port}";

    /// <summary>The value of Evidence:Clamd that reaches this daemon over its Unix socket.</summary>
    public string SocketAddress => $"unix:{Socket}";

    /// <summary>clamd's StreamMaxLength: above the 200 MB an evidence file may have, unless a test sets it lower.</summary>
    public string StreamMaxLength { get; init; } = "300M";

    private string Socket => Path.Combine(_directory, "clamd.sock");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. ./ae test installs it (apt-get install clamav-daemon) when run as root; install it and run the tests again.");
        }

        var signatures = Path.Combine(AppContext.BaseDirectory, "Evidence", SignatureFile);
        var database = Directory.CreateDirectory(Path.Combine(_directory, "database")).FullName;
        File.Copy(signatures, Path.Combine(database, SignatureFile));
        await File.WriteAllLinesAsync(Path.Combine(_directory, "clamd.conf"),
        [
            "Foreground yes",
            $"TCPSocket {Port.ToString(CultureInfo.InvariantCulture)}",
            "TCPAddr 127.0.0.1",
            $"LocalSocket {Socket}",
            $"DatabaseDirectory {database}",
            $"TemporaryDirectory {_directory}",
            // Evidence files reach 200 MB: the stream limit and the scan limits lie above that, so a whole file is read.
            $"StreamMaxLength {StreamMaxLength}",
            "MaxFileSize 300M",
            "MaxScanSize 300M",
            // No log file (clamd writes to standard output in the foreground) and no User: run as root it stays root, which
            // is what lets it read the private temporary directory; as anyone else it runs as them.
        ]);
        await StartAgainAsync();
    }

    /// <summary>Takes clamd down, as a crash or a restart would; the port then refuses connections.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Forget();
    }

    /// <summary>Starts clamd (again) on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        File.Delete(Socket);
        var process = Process.Start(new ProcessStartInfo(Executable, ["--config-file", Path.Combine(_directory, "clamd.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("clamd did not start");
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Eventually.GetAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"clamd exited with {process.ExitCode} while starting:\n{string.Join('\n', output)}");
            }

            return File.Exists(Socket) && await Probe.AcceptsAsync(Port);
        }, up => up, Waits.ProcessStart, "clamd accepting connections");
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        DeleteDirectory();
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }

        Forget();
        DeleteDirectory();
    }

    private void DeleteDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Forget()
    {
        _process?.Dispose();
        _process = null;
    }

    // The last lines are enough to say why clamd would not start (a bad signature file, a port taken).
    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 40)
        {
            output.TryDequeue(out _);
        }
    }
}
