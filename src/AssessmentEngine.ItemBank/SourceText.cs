using System.Security.Cryptography;
using System.Text;

namespace AssessmentEngine.ItemBank;

/// <summary>A file's text after decoding: UTF-8 without BOM, LF line endings; the hash is of exactly these bytes.</summary>
internal sealed record SourceText(string Path, string Text, string ContentHash)
{
    // Items, units and blueprints are a page or two; anything this large is a mistake, and refusing it
    // keeps the parser's cost (and the fuzz tests) bounded.
    public const int MaxBytes = 1024 * 1024;

    public static SourceText? Decode(byte[] bytes, FileReport report)
    {
        if (bytes.Length > MaxBytes)
        {
            report.Error(1, $"the file is {bytes.Length:N0} bytes; an item-bank file must be at most {MaxBytes:N0} bytes");
            return null;
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            report.Error(1, "the file is UTF-16; save it as UTF-8");
            return null;
        }

        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        var nul = span.IndexOf((byte)0);
        if (nul >= 0)
        {
            report.Error(LineAt(span, nul), "the file holds binary data (a NUL byte), not Markdown text");
            return null;
        }

        var invalid = FirstInvalidUtf8(span);
        if (invalid >= 0)
        {
            report.Error(LineAt(span, invalid), $"invalid UTF-8 (byte 0x{span[invalid]:X2}); save the file as UTF-8");
            return null;
        }

        var text = Encoding.UTF8.GetString(span);
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new SourceText(report.Path, text, hash);
    }

    private static int LineAt(ReadOnlySpan<byte> bytes, int index) => bytes[..index].Count((byte)'\n') + 1;

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}
