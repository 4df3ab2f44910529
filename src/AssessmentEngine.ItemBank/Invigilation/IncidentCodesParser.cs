using System.Text;
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

        var lines = new SourceLines(source.Text);
        // A table Markdig does not accept (no separator row, or text straight after it) is parsed as a paragraph.
        var lookalikes = document.OfType<ParagraphBlock>()
            .Select(paragraph => Enumerable.Range(paragraph.Line, Math.Max(1, lines.IndexAt(paragraph.Span.End) - paragraph.Line + 1))
                .Where(index => lines.Line(index).TrimStart().StartsWith('|')).Select(index => (int?)index).FirstOrDefault())
            .OfType<int>().ToList();
        foreach (var index in lookalikes)
        {
            report.Error(index + 1, index + 1 < lines.Count && SeparatorRow().IsMatch(lines.Line(index + 1))
                ? "this table is not read as a table: leave a blank line after its last row, and write every row as '| code | title | note |'"
                : $"this is not a table: the header row '{Header}' needs the separator row '|---|---|---|' under it");
        }

        var tables = document.OfType<Table>().ToList();
        if (tables.Count == 0)
        {
            if (lookalikes.Count == 0)
            {
                report.Error(1, $"no incident table: add the table '{Header}' with the separator row '|---|---|---|' under it and a row per code");
            }

            return null;
        }

        foreach (var extra in tables.Skip(1))
        {
            report.Error(lines.IndexAt(extra.Span.Start) + 1, "incident-codes.md holds one table; put every incident code in the first");
        }

        // Markdig pads and widens rows to fit each other; the cells as written are read from the table's own lines.
        var headerLine = lines.IndexAt(tables[0].Span.Start);
        var lastLine = lines.IndexAt(tables[0].Span.End);
        var header = Cells(lines.Line(headerLine));
        if (!header.Select(cell => cell.ToLowerInvariant()).SequenceEqual(["code", "title", "note"]))
        {
            report.Error(headerLine + 1, $"the table's header must be '{Header}', not '{lines.Line(headerLine).Trim()}'");
            return null;
        }

        var separator = Cells(lines.Line(headerLine + 1));
        if (separator.Count != 3)
        {
            report.Error(headerLine + 2, $"the separator row under the header has three cells, '|---|---|---|'; this one has {separator.Count}");
            return null;
        }

        var codes = new List<IncidentCode>();
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = true;
        for (var index = headerLine + 2; index <= lastLine; index++)
        {
            var line = index + 1;
            var cells = Cells(lines.Line(index));
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
            report.Error(headerLine + 1, "the table has no incident codes: add a row per code under the header");
            return null;
        }

        return valid && lookalikes.Count == 0 ? codes : null;
    }

    /// <summary>The cells of a table row as plain text: split at each '|' not escaped as '\|', outer pipes optional.</summary>
    private static List<string> Cells(string row)
    {
        var text = row.Trim();
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '|')
            {
                cell.Append("\\|");
                i++;
            }
            else if (text[i] == '|')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(text[i]);
            }
        }

        cells.Add(cell.ToString());
        if (text.StartsWith('|'))
        {
            cells.RemoveAt(0);
        }

        if (text.EndsWith('|') && !text.EndsWith("\\|", StringComparison.Ordinal) && cells.Count > 0)
        {
            cells.RemoveAt(cells.Count - 1);
        }

        return cells.Select(PlainText).ToList();
    }

    /// <summary>A cell's Markdown as the text a person sees (escapes resolved, emphasis and code kept as their text).</summary>
    private static string PlainText(string markdown)
    {
        var paragraph = Markdig.Markdown.Parse(markdown.Trim(), Markdown.Pipeline).OfType<ParagraphBlock>().FirstOrDefault();
        return paragraph is null ? markdown.Trim() : Markdown.PlainText(paragraph.Inline);
    }

    [GeneratedRegex(@"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")]
    private static partial Regex SeparatorRow();

    [GeneratedRegex("^[A-Z0-9]{2,10}$")]
    private static partial Regex CodePattern();
}
