using System.Security.Cryptography;

namespace AssessmentEngine.LoadTest;

/// <summary>
/// A file made up as it is read, front to back: a kind's header, then random bytes, hashed (SHA-256) on the way, so a
/// 200 MB upload never holds more than the HTTP client's buffer. Its pieces are read in order, each once.
/// </summary>
public sealed class GeneratedFile(long length, byte[] header) : IDisposable
{
    /// <summary>"%PDF-1.7\n": taken as a PDF, so the word count runs PdfPig on what follows.</summary>
    public static readonly byte[] Pdf = "%PDF-1.7\n"u8.ToArray();

    /// <summary>An ISO media ftyp box (isom): taken as an MP4, and nothing reads further.</summary>
    public static readonly byte[] Mp4 = [0, 0, 0, 0x20, .. "ftypisom"u8];

    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _produced;

    public long Length => length;

    public long Produced => _produced;

    /// <summary>The next <paramref name="count"/> bytes as a request body of known length.</summary>
    public HttpContent Piece(long count)
    {
        if (_produced + count > length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"the file has {length - _produced} bytes left, not {count}.");
        }

        var content = new StreamContent(new PieceStream(this, count), 81920);
        content.Headers.ContentLength = count;
        return content;
    }

    /// <summary>The hash of the whole file, once every byte has been read.</summary>
    public string Sha256() => _produced == length
        ? Convert.ToHexStringLower(_sha.GetCurrentHash())
        : throw new InvalidOperationException($"only {_produced} of {length} bytes were read.");

    private int Fill(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _produced);
        var into = buffer[..count];
        Random.Shared.NextBytes(into);
        if (_produced < header.Length)
        {
            var from = (int)_produced;
            var part = header.AsSpan(from, Math.Min(header.Length - from, count));
            part.CopyTo(into);
        }

        _sha.AppendData(into);
        _produced += count;
        return count;
    }

    public void Dispose() => _sha.Dispose();

    /// <summary>A forward-only window of <paramref name="size"/> bytes on the generator.</summary>
    private sealed class PieceStream(GeneratedFile file, long size) : Stream
    {
        private readonly long _size = size;
        private long _left = size;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _size;

        public override long Position
        {
            get => _size - _left;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int size) => Read(buffer.AsSpan(offset, size));

        public override int Read(Span<byte> buffer)
        {
            if (_left == 0)
            {
                return 0;
            }

            var read = file.Fill(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= read;
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int size, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, size)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int size) => throw new NotSupportedException();
    }
}
