using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;

namespace AssessmentEngine.Web.Features.Evidence;

/// <summary>The kinds of file a candidate may submit as evidence.</summary>
public enum EvidenceKind
{
    Pdf,
    Docx,
    Pptx,
    Odt,
    Png,
    Jpeg,
    Mp3,
    M4a,
    Mp4,
}

/// <summary>What a file was found to be: its kind, or why it is refused.</summary>
public sealed record FileVerdict(EvidenceKind? Kind, string? Refusal)
{
    public static FileVerdict Refused(string why) => new(null, why);
}

/// <summary>
/// Decides what an uploaded file is from its content (its first bytes, and for the zip-based office formats the entries
/// that make them so), never from its name or the type the browser declared: a page of HTML, an SVG or a script named
/// report.pdf is refused. Also counts the words of a document the brief sets a range for. The only library served for
/// content sniffing is a 2017 pre-release (Mime-Detective 0.0.6-beta5), and nine kinds need a few signatures, so they are
/// checked here; the documents are read with the Open XML SDK and PdfPig.
/// </summary>
public static partial class EvidenceFiles
{
    public const string Allowed = "PDF, Word (DOCX), PowerPoint (PPTX), OpenDocument text (ODT), PNG, JPEG, MP3, M4A or MP4";

    /// <summary>What the file is; reads from the start of a seekable stream and leaves it there.</summary>
    public static FileVerdict Detect(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        file.Position = 0;
        Span<byte> head = stackalloc byte[16];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        file.Position = 0;
        if (read == 0)
        {
            return FileVerdict.Refused("The file is empty.");
        }

        var verdict = head switch
        {
            _ when head.StartsWith("%PDF-"u8) => new FileVerdict(EvidenceKind.Pdf, null),
            _ when head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) => new FileVerdict(EvidenceKind.Png, null),
            _ when head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) => new FileVerdict(EvidenceKind.Jpeg, null),
            _ when head.StartsWith("ID3"u8) || (read > 1 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) => new FileVerdict(EvidenceKind.Mp3, null),
            _ when read >= 12 && head[4..8].SequenceEqual("ftyp"u8) => new FileVerdict(head[8..12].SequenceEqual("M4A "u8) ? EvidenceKind.M4a : EvidenceKind.Mp4, null),
            _ when head.StartsWith("PK\u0003\u0004"u8) => null,
            _ => FileVerdict.Refused(LooksLikeMarkup(file) ? "The file holds a web page, an SVG drawing or a script, whatever its name says; evidence must be " + Allowed + "."
                : "That is not a kind of file evidence may be: upload " + Allowed + "."),
        };
        file.Position = 0;
        return verdict ?? Office(file);
    }

    /// <summary>
    /// The largest document whose words are counted. Reading a damaged PDF makes PdfPig search the whole file for its
    /// objects, which for 200 MB of it took one core over ten minutes; a report of that size is pictures, not words.
    /// </summary>
    public const long MaxCountedBytes = 100L * 1024 * 1024;

    /// <summary>The words of a PDF, DOCX or ODT (null for other kinds, past <see cref="MaxCountedBytes"/>, or when the document cannot be read).</summary>
    public static int? CountWords(Stream file, EvidenceKind kind)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length > MaxCountedBytes)
        {
            return null;
        }

        file.Position = 0;
        try
        {
            return kind switch
            {
                EvidenceKind.Pdf => PdfWords(file),
                EvidenceKind.Docx => DocxWords(file),
                EvidenceKind.Odt => OdtWords(file),
                _ => null,
            };
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or OperationCanceledException))
        {
            // A document the readers cannot make sense of (PdfPig's PdfDocumentFormatException, a broken package, bad XML) is
            // still the candidate's evidence: it is taken with its words unknown, and the assessor opens it.
            return null;
        }
        finally
        {
            file.Position = 0;
        }
    }

    public static int Words(string text) => WordPattern().Count(text);

    private static FileVerdict Office(Stream file)
    {
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.GetEntry("mimetype") is { } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                return reader.ReadToEnd().Trim() == "application/vnd.oasis.opendocument.text"
                    ? new FileVerdict(EvidenceKind.Odt, null)
                    : FileVerdict.Refused("Of the OpenDocument kinds, only text documents (ODT) are taken; save it as ODT or PDF.");
            }

            if (zip.GetEntry("[Content_Types].xml") is not null)
            {
                if (zip.GetEntry("word/document.xml") is not null)
                {
                    return new FileVerdict(EvidenceKind.Docx, null);
                }

                if (zip.GetEntry("ppt/presentation.xml") is not null)
                {
                    return new FileVerdict(EvidenceKind.Pptx, null);
                }
            }

            return FileVerdict.Refused("That is a zip archive, not a document: upload the files in it one by one (" + Allowed + ").");
        }
        catch (InvalidDataException)
        {
            return FileVerdict.Refused("The file looks like a Word, PowerPoint or OpenDocument file but is damaged; save it again and upload it.");
        }
        finally
        {
            file.Position = 0;
        }
    }

    private static bool LooksLikeMarkup(Stream file)
    {
        var buffer = new byte[4096];
        var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        file.Position = 0;
        var text = Encoding.UTF8.GetString(buffer, 0, read).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith('<') || MarkupPattern().IsMatch(text) || text.StartsWith("#!", StringComparison.Ordinal);
    }

    private static int PdfWords(Stream file)
    {
        using var document = PdfDocument.Open(file);
        return document.GetPages().Sum(page => page.GetWords().Count());
    }

    private static int DocxWords(Stream file)
    {
        using var document = WordprocessingDocument.Open(file, isEditable: false);
        var body = document.MainDocumentPart?.Document?.Body;
        return body is null ? 0 : body.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Sum(paragraph => Words(paragraph.InnerText));
    }

    private static int OdtWords(Stream file)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var content = zip.GetEntry("content.xml") ?? throw new InvalidDataException("no content.xml");
        using var stream = content.Open();
        XNamespace text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
        var document = XDocument.Load(stream);
        return document.Descendants().Where(e => e.Name == text + "p" || e.Name == text + "h").Sum(paragraph => Words(paragraph.Value));
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"<\s*(script|svg|html|!doctype|iframe|body)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MarkupPattern();
}
