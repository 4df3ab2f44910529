using System.Text.RegularExpressions;
using Markdig.Extensions.Tables;
using Markdig.Syntax;

namespace AssessmentEngine.ItemBank.Invigilation;

/// <summary>Parses and lints incident-codes.md: one Markdown table '| code | title | note |', a row per incident code.</summary>
internal static partial class IncidentCodesParser
{
    private const string Header = "| code | title | note |";

    public static IReadOnlyList<IncidentCode>? Parse(SourceText source, FileReport report)
    {
        var document = Markdown.Parse(source.Text, report, 1);
        if (document is null || Markdown.HasTooMuchRawHtml(document, report))
        {
            return null;
        }

        var tables = document.OfType<Table>().ToList();
        if (tables.Count == 0)
        {
            // A table whose separator row is missing or broken is parsed as a paragraph starting with '|'.
            var lookalike = document.OfType<ParagraphBlock>().FirstOrDefault(paragraph => paragraph.Lines.ToString().TrimStart().StartsWith('|'));
            report.Error(lookalike is null ? 1 : lookalike.Line + 1, lookalike is null
                ? $"no incident table: add the table '{Header}' with the separator row '|---|---|---|' under it and a row per code"
                : $"this is not a table: the header row '{Header}' needs the separator row '|---|---|---|' under it, each row with three cells");
            return null;
        }

        foreach (var extra in tables.Skip(1))
        {
            report.Error(extra.Line + 1, "incident-codes.md holds one table; put every incident code in the first");
        }

        var rows = tables[0].OfType<TableRow>().ToList();
        var header = rows.FirstOrDefault(row => row.IsHeader);
        var headerCells = header is null ? [] : Cells(header);
        if (header is null || !headerCells.Select(cell => cell.ToLowerInvariant()).SequenceEqual(["code", "title", "note"]))
        {
            report.Error((header ?? (Block)tables[0]).Line + 1, $"the table's header must be '{Header}', not '| {string.Join(" | ", headerCells)} |'");
            return null;
        }

        var codes = new List<IncidentCode>();
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = true;
        foreach (var row in rows.Where(row => !row.IsHeader))
        {
            var line = row.Line + 1;
            var cells = Cells(row);
            if (cells.Count != 3)
            {
                report.Error(line, $"a row has three cells, '| code | title | note |'; this one has {cells.Count}");
                valid = false;
                continue;
            }

            var (code, title, note) = (cells[0], cells[1], cells[2]);
            if (!CodePattern().IsMatch(code))
            {
                report.Error(line, $"incident code '{code}' is not valid: use 2 to 10 upper-case letters or digits, e.g. ILL");
                valid = false;
            }
            else if (firstLines.TryGetValue(code, out var first))
            {
                report.Error(line, $"incident code '{code}' is given twice (first on line {first})");
                valid = false;
            }
            else
            {
                firstLines[code] = line;
            }

            if (title.Length == 0)
            {
                report.Error(line, $"incident code '{code}' has no title: say what happened, e.g. 'Candidate unwell'");
                valid = false;
            }

            bool? required = note.ToLowerInvariant() switch { "required" => true, "optional" => false, _ => null };
            if (required is null)
            {
                report.Error(line, $"the note of incident code '{code}' must be 'required' or 'optional', not '{note}'");
                valid = false;
            }

            codes.Add(new IncidentCode(code, title, required ?? false));
        }

        if (codes.Count == 0 && valid)
        {
            report.Error(tables[0].Line + 1, "the table has no incident codes: add a row per code under the header");
            return null;
        }

        return valid ? codes : null;
    }

    private static List<string> Cells(TableRow row) => row.OfType<TableCell>()
        .Select(cell => string.Join(" ", cell.OfType<LeafBlock>().Select(block => Markdown.PlainText(block.Inline))).Trim())
        .ToList();

    [GeneratedRegex("^[A-Z0-9]{2,10}$")]
    private static partial Regex CodePattern();
}
