using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Evidence files made for the tests: reports of a given number of words, images, and a large PDF.</summary>
public static class EvidenceSamples
{
    public static string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"word{i}"));

    /// <summary>A Word document of <paramref name="words"/> words, in paragraphs of a hundred.</summary>
    public static byte[] Docx(int words)
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, DocumentFormat.OpenXml.WordprocessingDocumentType.Document, autoSave: true))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(Enumerable.Range(0, (words + 99) / 100)
                .Select(p => new Paragraph(new Run(new Text(Words(Math.Min(100, words - (p * 100)))))))));
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A PDF whose first page says <paramref name="words"/> words and which carries a photograph-like image making it about
    /// <paramref name="megabytes"/> MB (random pixels do not compress), as a report with pictures would be.
    /// </summary>
    public static byte[] Pdf(int words, int megabytes = 0)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var text = Words(words).Split(' ');
        PdfPageBuilder? page = null;
        for (var line = 0; line * 10 < text.Length || page is null; line++)
        {
            // Ten words a line, seventy lines a page.
            if (line % 70 == 0)
            {
                page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            }

            page!.AddText(string.Join(' ', text.Skip(line * 10).Take(10)), 8, new UglyToad.PdfPig.Core.PdfPoint(30, 800 - (line % 70 * 11)), font);
        }

        if (megabytes > 0)
        {
            var side = (int)Math.Sqrt(megabytes * 1024.0 * 1024 / 3);
            page.AddPng(Png(side, side), new UglyToad.PdfPig.Core.PdfRectangle(30, 30, 300, 300));
        }

        return builder.Build();
    }

    /// <summary>A PNG of random RGB pixels, stored without compression (zlib's stored blocks), so its size is what was asked.</summary>
    public static byte[] Png(int width, int height)
    {
        var random = new Random(width);
        using var raw = new MemoryStream();
        var row = new byte[(width * 3) + 1];
        for (var y = 0; y < height; y++)
        {
            random.NextBytes(row);
            row[0] = 0;
            raw.Write(row);
        }

        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.NoCompression, leaveOpen: true))
        {
            raw.Position = 0;
            raw.CopyTo(zlib);
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        png.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);
}
