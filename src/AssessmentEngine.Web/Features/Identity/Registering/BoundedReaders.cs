using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Identity.Registering;

/// <summary>
/// Reads at most <paramref name="maximum"/> bytes of a stream and refuses the file at the next one, whatever length the
/// stream (or a zip's directory) claimed.
/// </summary>
internal sealed class BoundedStream(Stream inner, long maximum, string refusal) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _read += read;
        return _read > maximum ? throw new RefusedException(RefusalKind.Invalid, refusal) : read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Refuses a text as soon as one of its lines runs past <paramref name="maximum"/> characters, as the characters are read:
/// before a parser has buffered the line.
/// </summary>
internal sealed class LineLengthReader(TextReader inner, int maximum) : TextReader
{
    private int _line = 1;
    private int _length;
    private bool _afterCarriageReturn;

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var read = inner.Read();
        if (read >= 0)
        {
            Count((char)read);
        }

        return read;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var read = inner.Read(buffer);
        foreach (var character in buffer[..read])
        {
            Count(character);
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // A line ends at \n, \r\n or a lone \r; \r\n is one line end.
    private void Count(char character)
    {
        if (character is '\r' or '\n')
        {
            if (character == '\r' || !_afterCarriageReturn)
            {
                _line++;
            }

            _length = 0;
        }
        else if (++_length > maximum)
        {
            throw new RefusedException(RefusalKind.Invalid, CandidateFileReader.LineTooLong(_line, maximum));
        }

        _afterCarriageReturn = character == '\r';
    }
}
