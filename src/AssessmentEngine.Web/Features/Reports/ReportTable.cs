using System.Globalization;
using System.Text;
using AssessmentEngine.Web.Features.Moderation;

namespace AssessmentEngine.Web.Features.Reports;

/// <summary>One cell of a report's table: its text, and whether it calls for attention (said in the words too, never by colour alone).</summary>
public sealed record ReportCell(string Text, bool Alert = false, bool Number = false)
{
    public static implicit operator ReportCell(string text) => new(text);

    public static ReportCell Count(int value) => new(value.ToString(CultureInfo.InvariantCulture), Number: true);
}

/// <summary>
/// A section's table exactly as the page shows it and the CSV download holds it: the page and the file are written from
/// the same rows, so they cannot disagree.
/// </summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<ReportCell>> Rows)
{
    /// <summary>UTF-8 with a byte order mark (so a spreadsheet reads the names right), every value quoted, formulas neutralised.</summary>
    public byte[] Csv()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvRows(text))
        {
            csv.Header(Headers);
            foreach (var row in Rows)
            {
                foreach (var cell in row)
                {
                    csv.Text(cell.Text);
                }

                csv.EndRow();
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}
