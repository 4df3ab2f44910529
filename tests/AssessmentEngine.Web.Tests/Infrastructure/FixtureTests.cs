using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// The fixtures that start processes hold on a busy machine and leave nothing running: a node slow to answer is asked
/// again, not failed; a node that never becomes healthy is stopped before the failure is reported.
/// </summary>
public sealed class FixtureTests
{
    [Fact]
    public async Task A_node_slow_to_answer_its_first_health_check_is_asked_again_rather_than_failed()
    {
        // Its first answer takes longer than a probe waits (a node starting on a loaded machine); later ones are quick.
        using var node = new SlowFirstAnswer(TimeSpan.FromSeconds(15));
        await EngineProcess.WaitUntilHealthyAsync(node.BaseAddress, () => false, TimeSpan.FromSeconds(90));
        Assert.True(node.Requests >= 2, $"asked {node.Requests} time(s)");
    }

    [Fact]
    public async Task A_node_that_never_becomes_healthy_is_stopped_before_the_failure_is_reported()
    {
        // Nothing listens on the database's port: the node runs, and its health stays 503.
        var nowhere = $"Host=127.0.0.1;Port={EngineProcess.FreePort()};Username=ae;Password=none;Database=none;Timeout=1";
        var node = EngineProcess.Start(nowhere, "web");
        var id = node.Id;
        await Assert.ThrowsAsync<TimeoutException>(() => node.HealthyAsync(TimeSpan.FromSeconds(15)));
        Assert.False(Running(id), $"the node (pid {id}) is still running after its start failed");
    }

    private static bool Running(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>An HTTP server on loopback whose first answer comes late; every answer is 200.</summary>
    private sealed class SlowFirstAnswer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly TimeSpan _firstDelay;
        private int _requests;

        public SlowFirstAnswer(TimeSpan firstDelay)
        {
            _firstDelay = firstDelay;
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public int Requests => Volatile.Read(ref _requests);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = AnswerAsync(client, Interlocked.Increment(ref _requests) == 1);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task AnswerAsync(TcpClient client, bool first)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var buffer = new byte[4096];
                    _ = await stream.ReadAsync(buffer, _stop.Token);
                    if (first)
                    {
                        await Task.Delay(_firstDelay, _stop.Token);
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nHealthy"), _stop.Token);
                }
                catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
                {
                    // The prober gave up on this one.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
