using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using CsvHelper.Configuration;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>The cell formats a streamed sheet writes; the numbers are indexes into the workbook's cellXfs.</summary>
internal enum CellStyle { Plain = 0, Header = 1, Date = 2, DateTime = 3, Percent = 4, Decimal = 5, Text = 6 }

/// <summary>Where a row's cells go: a worksheet, a CSV file, or both.</summary>
internal interface IRowSink
{
    void Text(string? value);

    void Number(decimal? value, CellStyle style = CellStyle.Plain);

    void Date(DateTime? value, CellStyle style = CellStyle.Date);

    void EndRow();
}

/// <summary>
/// An .xlsx package written front to back into a zip, one part at a time, so that memory stays flat whatever the number
/// of rows: ClosedXML keeps every cell of a workbook in memory (100,000 rows of 25 cells took 56 s and 2.8 GB to save).
/// Worksheets are streamed by <see cref="SheetWriter"/>; the small parts around them are fixed text written last, once the sheets
/// are known. Worksheets get the default .xml content type so that [Content_Types].xml can come first.
/// </summary>
internal sealed class StreamedWorkbook(Stream output) : IDisposable
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private readonly ZipArchive _zip = new(output, ZipArchiveMode.Create, leaveOpen: true);
    private readonly List<(string Name, string Part)> _sheets = [];
    private bool _started;

    /// <summary>A new worksheet at the end of the tab order; finish it before starting the next.</summary>
    public SheetWriter AddSheet(string name, IReadOnlyList<(string Header, double Width)> columns)
    {
        StartPackage();
        var part = $"worksheets/sheet{_sheets.Count + 1}.xml";
        _sheets.Add((name, part));
        return new SheetWriter(_zip.CreateEntry("xl/" + part, CompressionLevel.Fastest).Open(), columns);
    }

    /// <summary>A sheet written elsewhere first (to a temporary file) is copied in as the next worksheet.</summary>
    public void AddSheet(string name, Stream written)
    {
        StartPackage();
        var part = $"worksheets/sheet{_sheets.Count + 1}.xml";
        _sheets.Add((name, part));
        using var entry = _zip.CreateEntry("xl/" + part, CompressionLevel.Fastest).Open();
        written.Position = 0;
        written.CopyTo(entry);
    }

    /// <summary>Orders the tabs (by name, as given) and writes the workbook, its relationships and styles.</summary>
    public void Finish(IReadOnlyList<string> tabOrder)
    {
        StartPackage();
        var ordered = tabOrder.Select(name => _sheets.First(s => s.Name == name)).ToList();
        var workbook = new StringBuilder($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{Main}" xmlns:r="{Relationships}"><bookViews><workbookView/></bookViews><sheets>""");
        var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        for (var i = 0; i < ordered.Count; i++)
        {
            workbook.Append(CultureInfo.InvariantCulture, $"""<sheet name="{System.Security.SecurityElement.Escape(ordered[i].Name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>""");
            rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{i + 1}" Type="{Relationships}/worksheet" Target="{ordered[i].Part}"/>""");
        }

        workbook.Append("</sheets></workbook>");
        rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{ordered.Count + 1}" Type="{Relationships}/styles" Target="styles.xml"/></Relationships>""");
        Entry("xl/workbook.xml", workbook.ToString());
        Entry("xl/_rels/workbook.xml.rels", rels.ToString());
        Entry("xl/styles.xml", Styles);
    }

    public void Dispose() => _zip.Dispose();

    private void StartPackage()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Entry("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """);
        Entry("_rels/.rels", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
    }

    private void Entry(string name, string text)
    {
        using var stream = _zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
    }

    // The order of cellXfs is CellStyle's. Text (quotePrefix) keeps a value that looks like a formula text when edited.
    private const string Styles = $"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{Main}"><numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="0.0%"/><numFmt numFmtId="167" formatCode="0.00"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """;
}

/// <summary>
/// One worksheet written as UTF-8 XML straight into its stream: widths set here (AdjustToContents needs GDI+, absent on
/// Linux), the header row frozen and bold, an auto-filter over the rows written. Strings are inline and always text, never
/// formulas. The XML is written by hand rather than with OpenXmlWriter, whose element objects and attribute lists cost
/// some 300 bytes of garbage a cell and whose namespace prefixes some 10 bytes of XML, over 26 million cells in a large
/// export (100,000 attempts took 24 s with it, 10 s like this: docs/performance.md).
/// </summary>
internal sealed class SheetWriter : IRowSink, IDisposable
{
    /// <summary>Rows a worksheet holds, the header included.</summary>
    public const int MaxRows = 1_048_576;

    /// <summary>The most characters a cell holds.</summary>
    public const int MaxCellLength = 32_767;

    private static readonly SearchValues<char> Markup = SearchValues.Create("&<>");
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly string _lastLetters;
    // "<c r=\"B" for each column, so that a cell starts with one copy and the row number.
    private readonly byte[][] _cellStarts;
    private readonly byte[] _rowNumber = new byte[10];
    private int _rowNumberLength;
    private int _used;
    private int _column;
    private bool _rowOpen;
    private bool _finished;

    public SheetWriter(Stream stream, IReadOnlyList<(string Header, double Width)> columns, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        var letters = Enumerable.Range(1, columns.Count).Select(Letters).ToArray();
        _lastLetters = letters[^1];
        _cellStarts = letters.Select(l => Encoding.ASCII.GetBytes($"<c r=\"{l}")).ToArray();
        Raw("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"""u8);
        Raw("""<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""u8);
        Raw("""<sheetViews><sheetView tabSelected="0" workbookViewId="0">"""u8);
        Raw("""<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"""u8);
        Raw("""<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><cols>"""u8);
        for (var i = 0; i < columns.Count; i++)
        {
            Raw("<col min=\""u8);
            Number(i + 1);
            Raw("\" max=\""u8);
            Number(i + 1);
            Raw("\" width=\""u8);
            Number(columns[i].Width);
            Raw("\" customWidth=\"1\"/>"u8);
        }

        Raw("</cols><sheetData>"u8);
        foreach (var (header, _) in columns)
        {
            Write(header, CellStyle.Header);
        }

        EndRow();
    }

    /// <summary>Rows written so far, the header included.</summary>
    public int Rows { get; private set; }

    public void Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Skip();
            return;
        }

        var safe = Clean(value);
        // A value a spreadsheet would read as a formula stays text, and stays text when someone edits the cell.
        Write(safe, safe[0] is '=' or '+' or '-' or '@' ? CellStyle.Text : CellStyle.Plain);
    }

    public void Number(decimal? value, CellStyle style = CellStyle.Plain)
    {
        if (value is not { } number)
        {
            Skip();
            return;
        }

        Start(style);
        Raw("><v>"u8);
        Number(number);
        Raw("</v></c>"u8);
    }

    public void Date(DateTime? value, CellStyle style = CellStyle.Date)
    {
        if (value is not { } date)
        {
            Skip();
            return;
        }

        Start(style);
        Raw("><v>"u8);
        Number(date.ToOADate());
        Raw("</v></c>"u8);
    }

    public void EndRow()
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        Raw("</row>"u8);
        _rowOpen = false;
        Rows++;
        _column = 0;
    }

    /// <summary>Closes the sheet data, puts the auto-filter over what was written, and closes the part.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        Raw("</sheetData><autoFilter ref=\"A1:"u8);
        Ascii(_lastLetters);
        Number(Math.Max(Rows, 1));
        Raw("\"/><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"u8);
        Flush();
        if (_leaveOpen)
        {
            _stream.Flush();
        }
        else
        {
            _stream.Dispose();
        }
    }

    public void Dispose() => Finish();

    private void OpenRow()
    {
        (Rows + 1).TryFormat(_rowNumber, out _rowNumberLength, default, CultureInfo.InvariantCulture);
        Raw("<row r=\""u8);
        Raw(_rowNumber.AsSpan(0, _rowNumberLength));
        Raw("\">"u8);
        _rowOpen = true;
    }

    /// <summary>Opens a cell up to its attributes' end: the caller writes the closing bracket and the value.</summary>
    private void Start(CellStyle style)
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        Raw(_cellStarts[_column++]);
        Raw(_rowNumber.AsSpan(0, _rowNumberLength));
        Raw("\""u8);
        if (style != CellStyle.Plain)
        {
            Raw(" s=\""u8);
            Number((int)style);
            Raw("\""u8);
        }
    }

    private void Write(string text, CellStyle style)
    {
        Start(style);
        Raw(" t=\"inlineStr\"><is>"u8);
        Raw(text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) ? "<t xml:space=\"preserve\">"u8 : "<t>"u8);
        Escaped(text);
        Raw("</t></is></c>"u8);
    }

    private void Skip()
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        _column++;
    }

    /// <summary>
    /// Text content as UTF-8 with &amp;, &lt; and &gt; escaped. Line breaks and tabs go as they are: a reader sees
    /// CR LF as LF, as it did when OpenXmlWriter wrote them. Characters XML cannot carry are gone already (<see cref="Clean"/>).
    /// </summary>
    private void Escaped(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var plain = text.IndexOfAny(Markup);
            var run = plain < 0 ? text : text[..plain];
            while (!run.IsEmpty)
            {
                if (_buffer.Length - _used < 4)
                {
                    Flush();
                }

                // Stops short only when the next character does not fit: the loop flushes and goes on.
                _ = Utf8.FromUtf16(run, _buffer.AsSpan(_used), out var read, out var written);
                _used += written;
                run = run[read..];
            }

            if (plain < 0)
            {
                return;
            }

            Raw(text[plain] switch { '&' => "&amp;"u8, '<' => "&lt;"u8, _ => "&gt;"u8 });
            text = text[(plain + 1)..];
        }
    }

    private void Number<T>(T value)
        where T : IUtf8SpanFormattable
    {
        // A double is written round-trip ("R"), as the dates were when OpenXmlWriter wrote them; decimals and integers in full.
        const int Longest = 40;
        if (_buffer.Length - _used < Longest)
        {
            Flush();
        }

        if (!value.TryFormat(_buffer.AsSpan(_used), out var written, typeof(T) == typeof(double) ? "R" : default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{value} did not fit in {Longest} bytes.");
        }

        _used += written;
    }

    private void Ascii(string text)
    {
        if (_buffer.Length - _used < text.Length)
        {
            Flush();
        }

        _used += Encoding.ASCII.GetBytes(text, _buffer.AsSpan(_used));
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - _used < bytes.Length)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>Characters XML cannot carry are dropped; a value longer than a cell holds is cut, and says so.</summary>
    internal static string Clean(string value)
    {
        var clean = NeedsCleaning(value)
            ? new string(value.Where((c, i) => (c >= ' ' || c is '\t' or '\n' or '\r') && c is not ('\uFFFE' or '\uFFFF')
                && (!char.IsSurrogate(c) || (char.IsHighSurrogate(c) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) : i > 0 && char.IsHighSurrogate(value[i - 1])))).ToArray())
            : value;
        const string Cut = " … [cut: longer than a cell holds]";
        if (clean.Length <= MaxCellLength)
        {
            return clean;
        }

        // Never between the two halves of a character outside the BMP (an emoji), which would leave half of it.
        var kept = MaxCellLength - Cut.Length;
        return clean[..(char.IsHighSurrogate(clean[kept - 1]) ? kept - 1 : kept)] + Cut;
    }

    // A loop rather than LINQ's Any: this runs for every text cell, and nearly always finds nothing.
    private static bool NeedsCleaning(string value)
    {
        foreach (var c in value)
        {
            if ((c < ' ' && c is not ('\t' or '\n' or '\r')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                return true;
            }
        }

        return false;
    }

    private static string Letters(int column)
    {
        var letters = "";
        for (; column > 0; column = (column - 1) / 26)
        {
            letters = (char)('A' + ((column - 1) % 26)) + letters;
        }

        return letters;
    }
}

/// <summary>
/// A CSV file of the same rows, written by CsvHelper (RFC 4180): every value quoted, and text a spreadsheet would run as a
/// formula neutralised. Dispose it to flush what it holds to the writer.
/// </summary>
internal sealed class CsvRows(TextWriter writer) : IRowSink, IDisposable
{
    private readonly CsvWriter _csv = new(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { ShouldQuote = _ => true }, leaveOpen: true);

    // Neutralised here rather than by CsvHelper's InjectionOptions, which would also mark a negative number as text.
    public void Text(string? value) => _csv.WriteField(value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "");

    public void Number(decimal? value, CellStyle style = CellStyle.Plain) =>
        _csv.WriteField(value is not { } number ? "" : style == CellStyle.Percent ? (number * 100).ToString("0.0", CultureInfo.InvariantCulture) : number.ToString(CultureInfo.InvariantCulture));

    public void Date(DateTime? value, CellStyle style = CellStyle.Date) =>
        _csv.WriteField(value?.ToString(style == CellStyle.Date ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "");

    public void EndRow() => _csv.NextRecord();

    public void Header(IEnumerable<string> headers)
    {
        foreach (var header in headers)
        {
            Text(header);
        }

        EndRow();
    }

    public void Dispose() => _csv.Dispose();
}

/// <summary>The same row to two places (the Marks sheet and its CSV).</summary>
internal sealed class BothRows(IRowSink first, IRowSink second) : IRowSink
{
    public void Text(string? value)
    {
        first.Text(value);
        second.Text(value);
    }

    public void Number(decimal? value, CellStyle style = CellStyle.Plain)
    {
        first.Number(value, style);
        second.Number(value, style);
    }

    public void Date(DateTime? value, CellStyle style = CellStyle.Date)
    {
        first.Date(value, style);
        second.Date(value, style);
    }

    public void EndRow()
    {
        first.EndRow();
        second.EndRow();
    }
}
