using System.Diagnostics;
using System.Text;
using AssessmentEngine.Web.Features.Evidence.Scanning;
using AssessmentEngine.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Evidence files through a real clamd that knows only the project's signature file: no database.</summary>
public sealed class ClamdScannerTests(ClamdServer clamd) : IClassFixture<ClamdServer>
{
    // The industry's harmless test file, put together at run time so that no scanner flags this source or the test assembly.
    private static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-" + "STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    private ClamdScanner Scanner => new(clamd.Address);

    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static IEvidenceScanner Registered(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        return new ServiceCollection().AddEvidenceScanning(configuration).BuildServiceProvider().GetRequiredService<IEvidenceScanner>();
    }

    [Fact]
    public async Task Clean_content_is_clean()
    {
        var result = await Scanner.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes("My report on the case study, 3,000 words.")), CancellationToken.None);

        Assert.Equal(new ScanResult(ScanOutcome.Clean), result);
    }

    [Fact]
    public async Task The_test_file_in_the_middle_of_a_megabyte_is_found_by_the_projects_own_signature()
    {
        var content = Noise(1024 * 1024);
        Eicar.CopyTo(content, 512 * 1024);

        var result = await Scanner.ScanAsync(new MemoryStream(content), CancellationToken.None);

        Assert.Equal(ScanOutcome.Infected, result.Outcome);
        // clamd marks signatures from outside its own databases as unofficial; the name is ours, from test-signatures.ndb.
        Assert.Equal("AssessmentEngine.Test.EICAR.UNOFFICIAL", result.Signature);
        Assert.Null(result.Problem);
    }

    [Fact]
    public async Task Clamd_is_reached_over_its_unix_socket_too()
    {
        var content = Noise(1024 * 1024);
        Eicar.CopyTo(content, 1000);

        var result = await new ClamdScanner(clamd.SocketAddress).ScanAsync(new MemoryStream(content), CancellationToken.None);

        Assert.Equal("AssessmentEngine.Test.EICAR.UNOFFICIAL", result.Signature);
    }

    [Fact]
    public async Task A_file_over_clamds_stream_limit_is_unavailable_with_clamds_reason()
    {
        var small = new ClamdServer { StreamMaxLength = "1M" };
        await small.InitializeAsync();
        try
        {
            var result = await new ClamdScanner(small.Address).ScanAsync(new GeneratedStream(5L * 1024 * 1024), CancellationToken.None);

            Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
            Assert.Equal($"clamd at {small.Address} could not scan the file: INSTREAM size limit exceeded.", result.Problem);
        }
        finally
        {
            await small.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_scan_starts_where_the_stream_stands()
    {
        var content = new MemoryStream([.. Eicar, .. Encoding.ASCII.GetBytes(" and then a report")]);
        content.Position = Eicar.Length;

        var result = await Scanner.ScanAsync(content, CancellationToken.None);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Equal(content.Length, content.Position);
    }

    [Fact]
    public async Task Thirty_megabytes_are_streamed_in_chunks_and_scanned()
    {
        await using var content = new GeneratedStream(30L * 1024 * 1024);

        var result = await Scanner.ScanAsync(content, CancellationToken.None);

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Equal(30L * 1024 * 1024, content.Position);
        // Read in pieces of the chunk size, never the whole file at once.
        Assert.InRange(content.LargestRead, 1, 64 * 1024);
    }

    [Fact]
    public async Task A_stopped_clamd_is_unavailable_at_once_and_clean_again_once_back()
    {
        await clamd.StopAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await Scanner.ScanAsync(new MemoryStream(Noise(100_000)), CancellationToken.None);
            clock.Stop();

            Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
            Assert.Contains(clamd.Address, result.Problem, StringComparison.Ordinal);
            Assert.Null(result.Signature);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The scan took {clock.Elapsed} to say clamd is down.");
        }
        finally
        {
            await clamd.StartAgainAsync();
        }

        var again = await Scanner.ScanAsync(new MemoryStream(Noise(100_000)), CancellationToken.None);

        Assert.Equal(ScanOutcome.Clean, again.Outcome);
    }

    [Fact]
    public async Task A_scan_stops_when_the_caller_gives_up()
    {
        using var giveUp = new CancellationTokenSource();
        // The caller gives up once the first chunks have gone: the scan stops there instead of reading 200 MB.
        var content = new GeneratedStream(200L * 1024 * 1024) { Reading = position => { if (position >= 256 * 1024) { giveUp.Cancel(); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Scanner.ScanAsync(content, giveUp.Token));
        Assert.InRange(content.Position, 256 * 1024, 512 * 1024);
    }

    [Theory]
    [InlineData("127.0.0.1:3310")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:99999")]
    [InlineData("http://127.0.0.1:3310")]
    [InlineData("unix:run/clamav/clamd.ctl")]
    public void A_malformed_clamd_address_stops_the_start_with_what_to_write(string address)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Registered(("Evidence:Clamd", address)));

        Assert.Equal($"Evidence:Clamd: '{address}' is not a clamd address; write tcp://host:port (such as tcp://127.0.0.1:3310) or unix:/path/to/socket (such as unix:/run/clamav/clamd.ctl).", error.Message);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:3310")]
    [InlineData("tcp://clamav:3310")]
    [InlineData("unix:/run/clamav/clamd.ctl")]
    public void A_clamd_address_registers_clamd(string address)
    {
        var scanner = Assert.IsType<ClamdScanner>(Registered(("Evidence:Clamd", address)));

        Assert.True(scanner.Enabled);
        Assert.Equal(address, scanner.Address);
    }

    [Fact]
    public async Task Without_a_clamd_address_nothing_is_scanned()
    {
        var scanner = Registered();

        Assert.IsType<NoScanner>(scanner);
        Assert.False(scanner.Enabled);
        Assert.Equal(ScanOutcome.Clean, (await scanner.ScanAsync(new MemoryStream(Eicar), CancellationToken.None)).Outcome);
    }

    /// <summary>Bytes made as they are read, so a large upload needs no memory of its size; records the largest read asked for.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private long _position;

        public int LargestRead { get; private set; }

        /// <summary>Called with the position before each read.</summary>
        public Action<long>? Reading { get; init; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reading?.Invoke(_position);
            LargestRead = Math.Max(LargestRead, buffer.Length);
            var count = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = (byte)((_position + i) * 31 % 251);
            }

            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
