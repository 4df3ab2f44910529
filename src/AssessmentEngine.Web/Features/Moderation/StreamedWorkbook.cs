using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

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
/// Worksheets are streamed with OpenXmlWriter; the small parts around them are fixed text written last, once the sheets
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
/// One worksheet streamed with OpenXmlWriter: widths set here (AdjustToContents needs GDI+, absent on Linux), the header
/// row frozen and bold, an auto-filter over the rows written. Strings are inline and always text, never formulas.
/// </summary>
internal sealed class SheetWriter : IRowSink, IDisposable
{
    /// <summary>Rows a worksheet holds, the header included.</summary>
    public const int MaxRows = 1_048_576;

    /// <summary>The most characters a cell holds.</summary>
    public const int MaxCellLength = 32_767;

    private static readonly OpenXmlAttribute Preserve = new("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve");
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly OpenXmlWriter _writer;
    private readonly string[] _letters;
    private readonly Row _row = new();
    private readonly Cell _cell = new();
    private readonly InlineString _inline = new();
    private readonly Text _text = new();
    private readonly CellValue _value = new();
    private readonly List<OpenXmlAttribute> _attributes = new(3);
    private string _rowNumber = "1";
    private int _column;
    private bool _finished;

    public SheetWriter(Stream stream, IReadOnlyList<(string Header, double Width)> columns, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _letters = Enumerable.Range(1, columns.Count).Select(Letters).ToArray();
        _writer = OpenXmlWriter.Create(stream);
        _writer.WriteStartDocument(true);
        _writer.WriteStartElement(new Worksheet());
        _writer.WriteElement(new SheetViews(new SheetView(
            new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
            new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
        { TabSelected = false, WorkbookViewId = 0 }));
        _writer.WriteElement(new Columns(columns.Select((c, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = c.Width, CustomWidth = true })));
        _writer.WriteStartElement(new SheetData());
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

        Start(style, null);
        _value.Text = number.ToString(CultureInfo.InvariantCulture);
        _writer.WriteElement(_value);
        _writer.WriteEndElement();
    }

    public void Date(DateTime? value, CellStyle style = CellStyle.Date)
    {
        if (value is not { } date)
        {
            Skip();
            return;
        }

        Start(style, null);
        _value.Text = date.ToOADate().ToString("R", CultureInfo.InvariantCulture);
        _writer.WriteElement(_value);
        _writer.WriteEndElement();
    }

    public void EndRow()
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        _writer.WriteEndElement();
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
        _writer.WriteEndElement(); // sheetData
        _writer.WriteElement(new AutoFilter { Reference = $"A1:{_letters[^1]}{Math.Max(Rows, 1)}" });
        _writer.WriteElement(new PageMargins { Left = 0.7, Right = 0.7, Top = 0.75, Bottom = 0.75, Header = 0.3, Footer = 0.3 });
        _writer.WriteEndElement(); // worksheet
        _writer.Close();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    public void Dispose() => Finish();

    private bool _rowOpen;

    private void OpenRow()
    {
        _rowNumber = (Rows + 1).ToString(CultureInfo.InvariantCulture);
        _attributes.Clear();
        _attributes.Add(new OpenXmlAttribute("r", "", _rowNumber));
        _writer.WriteStartElement(_row, _attributes);
        _rowOpen = true;
    }

    private void Start(CellStyle style, string? type)
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        _attributes.Clear();
        _attributes.Add(new OpenXmlAttribute("r", "", _letters[_column++] + _rowNumber));
        if (style != CellStyle.Plain)
        {
            _attributes.Add(new OpenXmlAttribute("s", "", ((int)style).ToString(CultureInfo.InvariantCulture)));
        }

        if (type is not null)
        {
            _attributes.Add(new OpenXmlAttribute("t", "", type));
        }

        _writer.WriteStartElement(_cell, _attributes);
    }

    private void Write(string text, CellStyle style)
    {
        Start(style, "inlineStr");
        _writer.WriteStartElement(_inline);
        if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
        {
            _writer.WriteStartElement(_text, [Preserve]);
        }
        else
        {
            _writer.WriteStartElement(_text);
        }

        _writer.WriteString(text);
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.WriteEndElement();
    }

    private void Skip()
    {
        if (!_rowOpen)
        {
            OpenRow();
        }

        _column++;
    }

    /// <summary>Characters XML cannot carry are dropped; a value longer than a cell holds is cut, and says so.</summary>
    internal static string Clean(string value)
    {
        var clean = value.Any(c => c < ' ' && c is not ('\t' or '\n' or '\r') || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            ? new string(value.Where((c, i) => (c >= ' ' || c is '\t' or '\n' or '\r') && c is not ('\uFFFE' or '\uFFFF')
                && (!char.IsSurrogate(c) || (char.IsHighSurrogate(c) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) : i > 0 && char.IsHighSurrogate(value[i - 1])))).ToArray())
            : value;
        const string Cut = " … [cut: longer than a cell holds]";
        return clean.Length > MaxCellLength ? clean[..(MaxCellLength - Cut.Length)] + Cut : clean;
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

/// <summary>A CSV file of the same rows: every value quoted, and one a spreadsheet would run as a formula neutralised.</summary>
internal sealed class CsvRows(TextWriter writer) : IRowSink
{
    private bool _first = true;

    public void Text(string? value) => Cell(value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "");

    public void Number(decimal? value, CellStyle style = CellStyle.Plain) =>
        Cell(value is not { } number ? "" : style == CellStyle.Percent ? (number * 100).ToString("0.0", CultureInfo.InvariantCulture) : number.ToString(CultureInfo.InvariantCulture));

    public void Date(DateTime? value, CellStyle style = CellStyle.Date) =>
        Cell(value?.ToString(style == CellStyle.Date ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "");

    public void EndRow()
    {
        writer.Write("\r\n");
        _first = true;
    }

    public void Header(IEnumerable<string> headers)
    {
        foreach (var header in headers)
        {
            Text(header);
        }

        EndRow();
    }

    private void Cell(string value)
    {
        if (!_first)
        {
            writer.Write(',');
        }

        _first = false;
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
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
