using System.IO.Compression;
using System.Text;
using ClosedXML.Excel;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// Registration workbooks made to exhaust a reader that loads them whole. Each is built in memory and is small as a file,
/// so nothing large is kept in the repository; the benchmarks compile this file too, to measure refusing them.
/// </summary>
public static class HostileWorkbooks
{
    public const string SheetPart = "xl/worksheets/sheet1.xml";

    private const string SheetStart = """<?xml version="1.0" encoding="utf-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""";

    /// <summary>A few KB: "candidate_number" at A1 and one more cell at XFD20001, the last column of a sheet on the last row a file may have.</summary>
    public static byte[] Sparse()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Candidates");
        sheet.Cell("A1").Value = "candidate_number";
        sheet.Cell("XFD20001").Value = "x";
        return Saved(workbook);
    }

    /// <summary>
    /// Just under 10 MB, the upload limit: a workbook whose sheet holds one cell of text, the letter x repeated about ten
    /// thousand million times (deflate packs a run of one letter about 1,000 to 1).
    /// </summary>
    public static byte[] ZipBomb(long compressedBytes = 9_500 * 1024)
    {
        var run = new byte[16 << 20];
        Array.Fill(run, (byte)'x');
        return WithPart(Plain(), SheetPart, (sheet, package) =>
        {
            sheet.Write(Encoding.UTF8.GetBytes(SheetStart + """<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"""));
            while (package.Length < compressedBytes)
            {
                sheet.Write(run);
            }

            sheet.Write("</t></is></c></row></sheetData></worksheet>"u8);
        });
    }

    /// <summary>A workbook whose first sheet is this XML inside a worksheet element: <c>&lt;sheetData&gt;…&lt;/sheetData&gt;</c> and what goes with it.</summary>
    public static byte[] WithSheet(string content) =>
        WithPart(Plain(), SheetPart, (sheet, _) => sheet.Write(Encoding.UTF8.GetBytes(SheetStart + content + "</worksheet>")));

    /// <summary>A small good workbook with <paramref name="extra"/> more parts, each a tiny XML file.</summary>
    public static byte[] WithExtraParts(int extra)
    {
        var package = new MemoryStream();
        package.Write(Plain());
        using (var archive = new ZipArchive(package, ZipArchiveMode.Update, leaveOpen: true))
        {
            for (var n = 1; n <= extra; n++)
            {
                using var part = archive.CreateEntry($"customXml/item{n}.xml").Open();
                part.Write("<note/>"u8);
            }
        }

        return package.ToArray();
    }

    /// <summary>A good workbook: the four required columns and one candidate.</summary>
    public static byte[] Plain()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Candidates");
        string[][] rows = [["candidate_number", "first_name", "last_name", "date_of_birth"], ["SCN0001", "Ann", "Smith", "2001-04-23"]];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                sheet.Cell(r + 1, c + 1).SetValue(rows[r][c]).SetDataType(XLDataType.Text);
            }
        }

        return Saved(workbook);
    }

    /// <summary>
    /// The workbook with one part written anew by <paramref name="write"/> (given the part's stream and the package's, whose
    /// length says how much has been written compressed so far); every other part is copied as it was.
    /// </summary>
    public static byte[] WithPart(byte[] workbook, string name, Action<Stream, Stream> write)
    {
        using var original = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read);
        var package = new MemoryStream();
        using (var archive = new ZipArchive(package, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in original.Entries)
            {
                using var target = archive.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
                if (entry.FullName == name)
                {
                    write(target, package);
                }
                else
                {
                    using var source = entry.Open();
                    source.CopyTo(target);
                }
            }
        }

        return package.ToArray();
    }

    private static byte[] Saved(XLWorkbook workbook)
    {
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}
