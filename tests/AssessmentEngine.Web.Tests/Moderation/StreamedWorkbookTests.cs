using AssessmentEngine.Web.Features.Moderation;
using ClosedXML.Excel;

namespace AssessmentEngine.Web.Tests.Moderation;

/// <summary>
/// The hand-written sheet XML read back with ClosedXML: text that needs escaping, that XML cannot carry, that runs over
/// the writer's buffer, and numbers and dates in their formats. No database.
/// </summary>
public sealed class StreamedWorkbookTests
{
    [Fact]
    public void Cells_read_back_as_they_were_written()
    {
        // Over the writer's 64 KB buffer, with markup and four-byte characters on the way, so a boundary falls inside them.
        var long1 = string.Concat(Enumerable.Repeat("a&b<c>d é 😀 ", 3_000));
        var long2 = new string('x', 40_000);
        // Cut where a plain cut would split a surrogate pair.
        var emoji = string.Concat(Enumerable.Repeat("😀", 20_000));
        var texts = new (string Written, string Read)[]
        {
            ("Tom & Jerry <b>bold</b> > less", "Tom & Jerry <b>bold</b> > less"),
            ("  spaces either side  ", "  spaces either side  "),
            ("line one\nline two\ttabbed", "line one\nline two\ttabbed"),
            ("bell\u0007, form feed\u000C and \uFFFE are dropped", "bell, form feed and  are dropped"),
            ("lone \uD800 surrogate", "lone  surrogate"),
            ("=1+1", "=1+1"),
            ("café → 😀", "café → 😀"),
            (long1, long1[..(SheetWriter.MaxCellLength - 34)] + " … [cut: longer than a cell holds]"),
            (long2, long2[..(SheetWriter.MaxCellLength - 34)] + " … [cut: longer than a cell holds]"),
            (emoji, emoji[..(SheetWriter.MaxCellLength - 35)] + " … [cut: longer than a cell holds]"),
        };
        var stream = new MemoryStream();
        using (var workbook = new StreamedWorkbook(stream))
        {
            using (var sheet = workbook.AddSheet("Cells", [("Text", 40), ("Number", 10), ("Date", 12), ("Percent", 10)]))
            {
                foreach (var (written, _) in texts)
                {
                    sheet.Text(written);
                    sheet.Number(1234.5678m);
                    sheet.Date(new DateTime(2026, 3, 4, 13, 45, 0), CellStyle.DateTime);
                    sheet.Number(0.125m, CellStyle.Percent);
                    sheet.EndRow();
                }

                sheet.Text(null);
                sheet.Number(null);
                sheet.Number(-7m);
                sheet.EndRow();
            }

            workbook.Finish(["Cells"]);
        }

        stream.Position = 0;
        using var read = new XLWorkbook(stream);
        var cells = read.Worksheet("Cells");
        Assert.Equal(1, cells.SheetView.SplitRow);
        Assert.Equal("A1:D12", cells.AutoFilter.Range.RangeAddress.ToString());
        Assert.True(cells.Cell(1, 1).Style.Font.Bold);
        for (var i = 0; i < texts.Length; i++)
        {
            var row = cells.Row(i + 2);
            Assert.Equal(texts[i].Read, row.Cell(1).GetString());
            Assert.Equal(XLDataType.Text, row.Cell(1).DataType);
            Assert.Equal(1234.5678m, row.Cell(2).GetValue<decimal>());
            Assert.Equal(new DateTime(2026, 3, 4, 13, 45, 0), row.Cell(3).GetDateTime());
            Assert.Equal("yyyy-mm-dd hh:mm", row.Cell(3).Style.NumberFormat.Format);
            Assert.Equal(0.125m, row.Cell(4).GetValue<decimal>());
            Assert.Equal("0.0%", row.Cell(4).Style.NumberFormat.Format);
        }

        Assert.True(cells.Cell(12, 1).IsEmpty());
        Assert.True(cells.Cell(12, 2).IsEmpty());
        Assert.Equal(-7m, cells.Cell(12, 3).GetValue<decimal>());
        Assert.True(read.Worksheet("Cells").Cell(7, 1).Style.IncludeQuotePrefix);
    }
}
