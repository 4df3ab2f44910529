using System.Net;
using System.Net.Sockets;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// How long the tests wait for what settles on its own. The limits are generous on purpose: a test waits for a condition,
/// never for a fixed time, so a long limit costs nothing when things go well and keeps a busy machine (two test runs side
/// by side, a load average of 15) from failing a test that would pass.
/// </summary>
public static class Waits
{
    /// <summary>A process of the test's own (an engine node, redis-server, a PostgreSQL cluster) starting and answering.</summary>
    public static readonly TimeSpan ProcessStart = TimeSpan.FromSeconds(120);

    /// <summary>One HTTP request to the engine under test, however large.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromMinutes(10);

    /// <summary>Something the engine does by itself once asked (a job runs, a push arrives, a projection catches up).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
}

/// <summary>Probes that answer "not yet" rather than fail: a refused connection, a timeout or a reset is an answer too.</summary>
public static class Probe
{
    /// <summary>The status of a GET, or null when nothing answered in time (refused, reset or timed out).</summary>
    public static async Task<HttpStatusCode?> StatusAsync(HttpClient http, Uri address)
    {
        try
        {
            using var response = await http.GetAsync(address);
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    /// <summary>Whether something accepts TCP connections on a loopback port.</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
