using System.Net;
using System.Net.Sockets;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// The load balancer in front of two nodes, as small as it can be: each new TCP connection goes to the first node that
/// accepts it. While the first node lives everyone is on it; once it is killed, reconnections land on the second.
/// </summary>
public sealed class SwitchingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _nodes;
    private readonly CancellationTokenSource _stop = new();

    public SwitchingProxy(params Uri[] nodes)
    {
        _nodes = nodes;
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            foreach (var node in _nodes)
            {
                using var backend = new TcpClient();
                try
                {
                    await backend.ConnectAsync(node.Host, node.Port, _stop.Token);
                }
                catch (SocketException)
                {
                    continue; // that node is down: the next one
                }

                var up = client.GetStream().CopyToAsync(backend.GetStream(), _stop.Token);
                var down = backend.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                try
                {
                    await Task.WhenAny(up, down);
                }
                catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
                {
                    // A side went away: both connections close.
                }

                return;
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
