using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssessmentEngine.Web.Features.Evidence.Scanning;

/// <summary>
/// Scans with clamd's INSTREAM command, spoken directly: the content goes in length-prefixed chunks, so a 200 MB file is never
/// held in memory. A daemon that is down, slow or refuses the stream gives Unavailable, never an exception, so that the
/// caller can keep the file as pending and try again later.
/// </summary>
public sealed class ClamdScanner : IEvidenceScanner
{
    private const int ChunkSize = 64 * 1024;
    private const int LongestReply = 4096;
    private static readonly byte[] Command = "zINSTREAM\0"u8.ToArray();

    // A running clamd accepts at once; one that takes longer than this is as good as down for an upload waiting on it.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    // Each chunk written: clamd reads as fast as the network allows, so a stall means it has stopped reading.
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    // The verdict after the last chunk: clamd's own limit on one scan (MaxScanTime) is two minutes by default.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMinutes(3);

    private readonly EndPoint _endPoint;

    public ClamdScanner(string address)
    {
        Address = address;
        _endPoint = Parse(address);
    }

    /// <summary>Where clamd listens, as configured: tcp://host:port or unix:/path/to/socket.</summary>
    public string Address { get; }

    public bool Enabled => true;

    public async Task<ScanResult> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var socket = _endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        var step = "connecting";
        try
        {
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(_endPoint, timeout.Token);
            await using var connection = new NetworkStream(socket, ownsSocket: false);
            step = "sending the file";
            if (await SendAsync(content, connection, timeout, cancellationToken) is { } refused)
            {
                return refused;
            }

            step = "waiting for the verdict";
            timeout.CancelAfter(ReplyTimeout);
            return Verdict(await ReplyAsync(connection, timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ScanResult.Unavailable($"clamd at {Address} did not answer in time ({step}).");
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return ScanResult.Unavailable($"clamd at {Address} could not be reached ({step}): {Reason(exception)}");
        }
    }

    /// <summary>The command, the chunks and the closing empty chunk; or clamd's answer if it closed the stream early.</summary>
    private async Task<ScanResult?> SendAsync(Stream content, NetworkStream connection, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4 + ChunkSize);
        try
        {
            timeout.CancelAfter(WriteTimeout);
            await connection.WriteAsync(Command, timeout.Token);
            int read;
            do
            {
                // Read from the content with the caller's token alone: a slow upload is not clamd's stall.
                read = await content.ReadAsync(buffer.AsMemory(4, ChunkSize), cancellationToken);
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                timeout.CancelAfter(WriteTimeout);
                try
                {
                    await connection.WriteAsync(buffer.AsMemory(0, 4 + read), timeout.Token);
                }
                catch (Exception exception) when (exception is SocketException or IOException)
                {
                    // clamd answers and hangs up when the stream passes its StreamMaxLength: its reason beats "broken pipe".
                    return await EarlyReplyAsync(connection, exception);
                }
            }
            while (read > 0);

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<ScanResult> EarlyReplyAsync(NetworkStream connection, Exception writeFailure)
    {
        try
        {
            using var brief = new CancellationTokenSource(ConnectTimeout);
            var reply = await ReplyAsync(connection, brief.Token);
            if (reply.Length > 0)
            {
                return Verdict(reply);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            // Nothing was said before the connection went: the write's failure is the reason.
        }

        return ScanResult.Unavailable($"clamd at {Address} closed the connection while the file was sent: {Reason(writeFailure)}");
    }

    /// <summary>The reply up to its terminating NUL (the z in zINSTREAM asks for one) or the end of the connection.</summary>
    private static async Task<string> ReplyAsync(NetworkStream connection, CancellationToken cancellationToken)
    {
        var reply = new ArrayBufferWriter<byte>();
        var buffer = new byte[256];
        while (reply.WrittenCount < LongestReply)
        {
            var read = await connection.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            var end = Array.IndexOf(buffer, (byte)0, 0, read);
            reply.Write(buffer.AsSpan(0, end < 0 ? read : end));
            if (end >= 0)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(reply.WrittenSpan).Trim();
    }

    private ScanResult Verdict(string reply)
    {
        // "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR".
        var text = reply.StartsWith("stream: ", StringComparison.Ordinal) ? reply["stream: ".Length..] : reply;
        if (text == "OK")
        {
            return ScanResult.Clean;
        }

        if (text.EndsWith(" FOUND", StringComparison.Ordinal) && text.Length > " FOUND".Length)
        {
            return ScanResult.Infected(text[..^" FOUND".Length].Trim());
        }

        return ScanResult.Unavailable(text.EndsWith(" ERROR", StringComparison.Ordinal)
            ? $"clamd at {Address} could not scan the file: {text[..^" ERROR".Length].Trim()}"
            : $"clamd at {Address} gave an answer that is not a verdict: '{reply}'");
    }

    private static string Reason(Exception exception) =>
        exception is IOException { InnerException: SocketException inner } ? inner.Message : exception.Message;

    private static EndPoint Parse(string address)
    {
        var problem = $"{ScanningSetup.ClamdKey}: '{address}' is not a clamd address; write tcp://host:port (such as tcp://127.0.0.1:3310) or unix:/path/to/socket (such as unix:/run/clamav/clamd.ctl).";
        var value = address.Trim();
        if (value.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            var path = value["unix:".Length..];
            return path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal)
                ? new UnixDomainSocketEndPoint(path)
                : throw new InvalidOperationException(problem);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || uri.Scheme != "tcp"
            || string.IsNullOrEmpty(uri.Host)
            || uri.Port is < 1 or > 65535
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            throw new InvalidOperationException(problem);
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            ? new IPEndPoint(ip, uri.Port)
            : new DnsEndPoint(uri.Host, uri.Port);
    }
}
