using System.IO.Compression;
using System.Text;
using AssessmentEngine.Web.Features.Evidence;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>What an uploaded file is, decided from its content alone, and the words of a document: no database.</summary>
public sealed class EvidenceFilesTests
{
    private static MemoryStream Bytes(params byte[] bytes) => new(bytes);

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    private static MemoryStream Pdf(string text)
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText(text, 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), builder.AddStandard14Font(Standard14Font.Helvetica));
        return new MemoryStream(builder.Build());
    }

    private static MemoryStream Docx(params string[] paragraphs)
    {
        var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, WordprocessingDocumentType.Document, autoSave: true))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(paragraphs.Select(p => new Paragraph(new Run(new Text(p))))));
        }

        buffer.Position = 0;
        return buffer;
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>")]
    [InlineData("  \n<html><p>a report</p></html>")]
    [InlineData("#!/bin/sh\nrm -rf /\n")]
    [InlineData("My report starts here. <script>fetch('/api')</script>")]
    public void Markup_or_a_script_is_refused_whatever_the_file_is_called(string content)
    {
        // The name (report.pdf) and the declared type never reach the decision: only the bytes do.
        var verdict = EvidenceFiles.Detect(Text(content));

        Assert.Null(verdict.Kind);
        Assert.StartsWith("The file holds a web page, an SVG drawing or a script, whatever its name says", verdict.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_kind_is_known_by_its_content()
    {
        Assert.Equal(EvidenceKind.Png, EvidenceFiles.Detect(Bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0)).Kind);
        Assert.Equal(EvidenceKind.Jpeg, EvidenceFiles.Detect(Bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10)).Kind);
        Assert.Equal(EvidenceKind.Mp3, EvidenceFiles.Detect(Text("ID3\u0004\0\0\0\0\0\0")).Kind);
        Assert.Equal(EvidenceKind.M4a, EvidenceFiles.Detect(Bytes(0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'M', (byte)'4', (byte)'A', (byte)' ', 0, 0)).Kind);
        Assert.Equal(EvidenceKind.Mp4, EvidenceFiles.Detect(Bytes(0, 0, 0, 0x20, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0)).Kind);
        Assert.Equal(EvidenceKind.Pdf, EvidenceFiles.Detect(Pdf("hello")).Kind);
        Assert.Equal(EvidenceKind.Docx, EvidenceFiles.Detect(Docx("hello")).Kind);
        Assert.Equal(EvidenceKind.Pptx, EvidenceFiles.Detect(Zip(("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>"))).Kind);
        Assert.Equal(EvidenceKind.Odt, EvidenceFiles.Detect(Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>"))).Kind);
    }

    [Fact]
    public void Empty_files_other_archives_and_other_kinds_are_refused_with_what_to_upload()
    {
        Assert.Equal("The file is empty.", EvidenceFiles.Detect(Bytes()).Refusal);
        Assert.StartsWith("That is a zip archive, not a document", EvidenceFiles.Detect(Zip(("a.txt", "x"))).Refusal, StringComparison.Ordinal);
        Assert.StartsWith("Of the OpenDocument kinds, only text documents", EvidenceFiles.Detect(Zip(("mimetype", "application/vnd.oasis.opendocument.spreadsheet"))).Refusal, StringComparison.Ordinal);
        Assert.Equal($"That is not a kind of file evidence may be: upload {EvidenceFiles.Allowed}.", EvidenceFiles.Detect(Text("plain words, no markup")).Refusal);
        Assert.StartsWith("The file looks like a Word, PowerPoint or OpenDocument file but is damaged", EvidenceFiles.Detect(Bytes(0x50, 0x4B, 3, 4, 1, 2, 3)).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_words_of_a_pdf_a_docx_and_an_odt_are_counted()
    {
        Assert.Equal(6, EvidenceFiles.CountWords(Pdf("Excellent service starts with listening well"), EvidenceKind.Pdf));
        Assert.Equal(11, EvidenceFiles.CountWords(Docx("Our council's contact centre answers calls.", "It closes at five o'clock."), EvidenceKind.Docx));
        var odt = Zip(("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text><text:h>A plan</text:h><text:p>Three SMART objectives follow.</text:p></office:text></office:body></office:document-content>"));
        Assert.Equal(6, EvidenceFiles.CountWords(odt, EvidenceKind.Odt));
        Assert.Null(EvidenceFiles.CountWords(Bytes(0x50, 0x4B, 3, 4), EvidenceKind.Docx));
        Assert.Null(EvidenceFiles.CountWords(Bytes(0x89, 0x50), EvidenceKind.Png));
    }

    [Fact]
    public void A_file_that_starts_like_a_pdf_but_is_not_one_is_taken_with_its_words_unknown_rather_than_failing_the_upload()
    {
        // Random bytes after the header: PdfPig cannot read it, and the candidate's upload must not fail with a server error.
        var junk = new byte[64 * 1024];
        new Random(3).NextBytes(junk);
        using var file = new MemoryStream([.. "%PDF-1.7\n"u8.ToArray(), .. junk]);

        Assert.Equal(EvidenceKind.Pdf, EvidenceFiles.Detect(file).Kind);
        Assert.Null(EvidenceFiles.CountWords(file, EvidenceKind.Pdf));
    }
}
