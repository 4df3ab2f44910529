using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Infrastructure;
using ClosedXML.Excel;
using CsvHelper;
using CsvHelper.Configuration;

namespace AssessmentEngine.Web.Features.Identity.Registering;

/// <summary>One candidate as a registration file (or the admin form) gives them.</summary>
public sealed record CandidateRow(
    int RowNumber,
    string CandidateNumber,
    string FirstName,
    string LastName,
    DateOnly DateOfBirth,
    string? Email,
    int ExtraTimePercent,
    bool RestBreaks,
    bool LargeText,
    bool HighContrast,
    string? AdjustmentNotes);

/// <summary>A problem with one row (row 1 is the header), in words an exam officer can act on.</summary>
public sealed record RowError(int RowNumber, string Message)
{
    public override string ToString() => RowNumber == 0 ? Message : $"row {RowNumber}: {Message}";
}

public sealed record CandidateFile(IReadOnlyList<CandidateRow> Rows, IReadOnlyList<RowError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Rows.Count > 0;
}

/// <summary>
/// Reads a registration file (CSV in UTF-8, or the first sheet of an .xlsx workbook). The columns, in any order:
/// candidate_number, first_name, last_name, date_of_birth (required); email, extra_time_percent, rest_breaks,
/// large_text, high_contrast, adjustment_notes (optional). Every bad row is reported; the caller imports nothing
/// unless there are none.
/// </summary>
public static partial class CandidateFileReader
{
    public const int MaximumRows = 20_000;
    public const long MaximumBytes = 10 * 1024 * 1024;

    /// <summary>Columns A to Z: the ten the file may name, with room for blank or stray columns between them.</summary>
    public const int MaximumColumns = 26;

    /// <summary>A CSV line (and any one value): a full row with 500 characters of notes is about 1,000.</summary>
    public const int MaximumLineLength = 4_096;

    /// <summary>Parts of an .xlsx package: Excel writes about ten for a workbook of one sheet.</summary>
    public const int MaximumParts = 200;

    /// <summary>What an .xlsx's parts unpack to together: 20,000 candidates with every column and 450 characters of notes, 22 MB.</summary>
    public const long MaximumUnpackedBytes = 50 * 1024 * 1024;

    /// <summary>How tightly a part of a megabyte or more may be compressed: 20,000 nearly equal notes pack 45 to 1, a sheet 14 to 1.</summary>
    public const long MaximumCompressionRatio = 100;

    public static readonly IReadOnlyList<string> RequiredColumns = ["candidate_number", "first_name", "last_name", "date_of_birth"];

    public static readonly IReadOnlyList<string> OptionalColumns =
        ["email", "extra_time_percent", "rest_breaks", "large_text", "high_contrast", "adjustment_notes"];

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"];

    /// <summary>
    /// Reads an upload, measuring it first: its size; for a CSV its lines, values and columns as they are read; for an
    /// .xlsx its package and sheets (<see cref="WorkbookPackage"/>) before ClosedXML loads it whole.
    /// </summary>
    public static CandidateFile Read(Stream content, string fileName, IReadOnlySet<string> registeredNumbers, DateOnly today)
    {
        var workbook = fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);
        List<string[]> table;
        try
        {
            table = workbook ? ReadWorkbook(content) : ReadCsv(content);
        }
        catch (RefusedException refused)
        {
            return Fail(refused.Message);
        }
        catch (DecoderFallbackException)
        {
            return Fail("the file is not UTF-8 text. In your spreadsheet, save it as \"CSV UTF-8\" (or as .xlsx) and upload it again.");
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or FormatException or CsvHelperException
                                              or InvalidOperationException or ArgumentException or System.Xml.XmlException)
        {
            return Fail(workbook ? NotReadableWorkbook : $"the file could not be read as CSV ({exception.Message}).");
        }

        return Validate(table, registeredNumbers, today);
    }

    public static CandidateFile Validate(IReadOnlyList<string[]> table, IReadOnlySet<string> registeredNumbers, DateOnly today)
    {
        var nonEmpty = table.Where(row => row.Any(cell => !string.IsNullOrWhiteSpace(cell))).ToList();
        if (nonEmpty.Count == 0)
        {
            return Fail("the file is empty. The first row must name the columns: " + string.Join(", ", RequiredColumns) + ".");
        }

        var header = table[0].Select(h => h.Trim().ToLowerInvariant().Replace(' ', '_')).ToArray();
        var errors = new List<RowError>();
        var known = RequiredColumns.Concat(OptionalColumns).ToHashSet();
        foreach (var unknown in header.Where(h => h.Length > 0 && !known.Contains(h)).Distinct())
        {
            errors.Add(new RowError(1, $"unknown column '{unknown}'. The columns are: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))}."));
        }

        foreach (var twice in header.Where(h => h.Length > 0).GroupBy(h => h).Where(g => g.Count() > 1))
        {
            errors.Add(new RowError(1, $"the column '{twice.Key}' appears {twice.Count()} times."));
        }

        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new RowError(1, $"missing column(s): {string.Join(", ", missing)}. The first row must name the columns."));
        }

        if (errors.Count > 0)
        {
            return new CandidateFile([], errors);
        }

        var dataRows = table.Count - 1;
        if (dataRows > MaximumRows)
        {
            return Fail(TooManyRows(dataRows));
        }

        var column = header.Select((name, index) => (name, index)).Where(c => c.name.Length > 0).ToDictionary(c => c.name, c => c.index);
        var rows = new List<CandidateRow>();
        var firstSeen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < table.Count; i++)
        {
            var cells = table[i];
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var rowNumber = i + 1;
            string Cell(string name) => column.TryGetValue(name, out var index) && index < cells.Length ? cells[index].Trim() : "";
            var rowErrors = new List<string>();

            var number = Cell("candidate_number").ToUpperInvariant();
            if (number.Length == 0)
            {
                rowErrors.Add("candidate_number is empty");
            }
            else if (!CandidateNumberShape().IsMatch(number))
            {
                rowErrors.Add($"candidate_number '{Shorten(number)}' is not a candidate number (3 to 20 letters, digits, '/' or '-')");
            }
            else if (firstSeen.TryGetValue(number, out var earlier))
            {
                rowErrors.Add($"candidate_number {number} is also on row {earlier}");
            }
            else if (registeredNumbers.Contains(number))
            {
                rowErrors.Add($"candidate_number {number} is already registered at this centre");
            }
            else
            {
                firstSeen[number] = rowNumber;
            }

            var first = Name(Cell("first_name"), "first_name", rowErrors);
            var last = Name(Cell("last_name"), "last_name", rowErrors);
            var birth = Date(Cell("date_of_birth"), today, rowErrors);
            var email = Cell("email");
            if (email.Length > 0 && !EmailShape().IsMatch(email))
            {
                rowErrors.Add($"email '{Shorten(email)}' is not an email address");
            }

            var extra = 0;
            var extraText = Cell("extra_time_percent").TrimEnd('%').Trim();
            if (extraText.Length > 0 && (!int.TryParse(extraText, NumberStyles.None, CultureInfo.InvariantCulture, out extra) || extra > 100))
            {
                rowErrors.Add($"extra_time_percent '{Shorten(extraText)}' must be a whole number from 0 to 100");
            }

            var restBreaks = Flag(Cell("rest_breaks"), "rest_breaks", rowErrors);
            var largeText = Flag(Cell("large_text"), "large_text", rowErrors);
            var highContrast = Flag(Cell("high_contrast"), "high_contrast", rowErrors);
            var notes = Cell("adjustment_notes");
            if (notes.Length > 500)
            {
                rowErrors.Add("adjustment_notes is longer than 500 characters");
            }

            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.Select(message => new RowError(rowNumber, message)));
                continue;
            }

            rows.Add(new CandidateRow(rowNumber, number, first, last, birth, email.Length > 0 ? email : null, extra, restBreaks, largeText, highContrast,
                notes.Length > 0 ? notes : null));
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            errors.Add(new RowError(0, "the file has a header row but no candidates."));
        }

        return new CandidateFile(errors.Count == 0 ? rows : [], errors);
    }

    private static CandidateFile Fail(string message) => new([], [new RowError(0, message)]);

    internal const string NotReadableWorkbook = "the file is not a readable .xlsx workbook.";

    private const string InsteadOfTheWorkbook =
        "Copy the candidates' sheet into a new workbook, or save it as CSV UTF-8, and upload that.";

    internal static string TooLarge => $"the file is larger than {MaximumBytes / 1048576} MB; a registration file is at most {MaximumBytes / 1048576} MB. Split it and upload each part.";

    internal static string TooManyRows(long dataRows) =>
        $"the file has {dataRows:N0} rows; register at most {MaximumRows:N0} candidates per file. Split it and upload each part.";

    internal static string TooManyColumns(int columns) =>
        $"the file has {columns:N0} columns (A to {ColumnName(columns)}); a registration file has at most {MaximumColumns} columns (A to {ColumnName(MaximumColumns)}). Delete the columns after the candidates' details and upload it again.";

    internal static string LineTooLong(int line, int maximum) =>
        $"line {line:N0} is longer than {maximum:N0} characters; a registration file's lines are at most {maximum:N0} characters. Check that it is the candidates' file.";

    internal static string TooManyParts(ulong parts) =>
        $"the workbook is made of {parts:N0} parts; a registration workbook has at most {MaximumParts}. {InsteadOfTheWorkbook}";

    internal static string UnpacksTooLarge(long bytes) =>
        $"the workbook unpacks to {bytes / 1048576:N0} MB; a registration workbook unpacks to at most {MaximumUnpackedBytes / 1048576} MB. {InsteadOfTheWorkbook}";

    internal static string CompressedTooTightly(string part, long ratio) =>
        $"the workbook's part {part} is compressed {ratio:N0} to 1; a registration workbook is compressed at most {MaximumCompressionRatio} to 1. {InsteadOfTheWorkbook}";

    /// <summary>A column's letters as a spreadsheet shows them: 1 is A, 27 is AA, 16,384 is XFD.</summary>
    private static string ColumnName(int column)
    {
        var letters = new StringBuilder();
        for (var n = column; n > 0; n = (n - 1) / 26)
        {
            letters.Insert(0, (char)('A' + (n - 1) % 26));
        }

        return letters.ToString();
    }

    private static string Name(string value, string column, List<string> errors)
    {
        if (value.Length == 0)
        {
            errors.Add($"{column} is empty");
        }
        else if (value.Length > 100)
        {
            errors.Add($"{column} is longer than 100 characters");
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add($"{column} contains control characters");
        }

        return value;
    }

    private static DateOnly Date(string value, DateOnly today, List<string> errors)
    {
        if (value.Length == 0)
        {
            errors.Add("date_of_birth is empty");
            return default;
        }

        if (!DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add($"date_of_birth '{Shorten(value)}' is not a date; write it as 2001-04-23 or 23/04/2001");
            return default;
        }

        if (date > today)
        {
            errors.Add($"date_of_birth {date:yyyy-MM-dd} is in the future");
        }
        else if (date > today.AddYears(-14) || date < today.AddYears(-100))
        {
            errors.Add($"date_of_birth {date:yyyy-MM-dd} gives an age outside 14 to 100; check it");
        }

        return date;
    }

    private static bool Flag(string value, string column, List<string> errors)
    {
        switch (value.ToLowerInvariant())
        {
            case "" or "no" or "n" or "false" or "0":
                return false;
            case "yes" or "y" or "true" or "1":
                return true;
            default:
                errors.Add($"{column} '{Shorten(value)}' must be yes or no");
                return false;
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>The upload as it is, or refused when it is over <see cref="MaximumBytes"/>; bounded as it is read if it cannot say its length.</summary>
    private static Stream WithinSize(Stream content) =>
        !content.CanSeek ? new BoundedStream(content, MaximumBytes, TooLarge)
        : content.Length > MaximumBytes ? throw new RefusedException(RefusalKind.Invalid, TooLarge)
        : content;

    private static List<string[]> ReadCsv(Stream content)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var reader = new LineLengthReader(new StreamReader(WithinSize(content), encoding, detectEncodingFromByteOrderMarks: true, leaveOpen: true), MaximumLineLength);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectDelimiter = true,
            BadDataFound = null,
            MissingFieldFound = null,
            // A quoted value may run over many short lines; it is held whole, so it is bounded like a line.
            MaxFieldSize = MaximumLineLength,
        };
        using var csv = new CsvParser(reader, configuration);
        var table = new List<string[]>();
        try
        {
            while (csv.Read())
            {
                if (table.Count > MaximumRows + 1)
                {
                    throw new RefusedException(RefusalKind.Invalid, $"the file has more than {MaximumRows:N0} rows; register at most {MaximumRows:N0} candidates per file. Split it and upload each part.");
                }

                if (csv.Count > MaximumColumns)
                {
                    throw new RefusedException(RefusalKind.Invalid, TooManyColumns(csv.Count));
                }

                table.Add(csv.Record ?? []);
            }
        }
        catch (MaxFieldSizeException)
        {
            throw new RefusedException(RefusalKind.Invalid,
                $"a value on row {csv.Row:N0} is longer than {MaximumLineLength:N0} characters; a registration file's values are at most {MaximumLineLength:N0} characters. Check that it is the candidates' file.");
        }

        return table;
    }

    private static List<string[]> ReadWorkbook(Stream content)
    {
        var file = WithinSize(content);
        if (!file.CanSeek)
        {
            var copy = new MemoryStream();
            file.CopyTo(copy);
            file = copy;
        }

        WorkbookPackage.Check(file);
        file.Position = 0;
        using var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheets.First();
        var used = sheet.RangeUsed();
        if (used is null)
        {
            return [];
        }

        var lastRow = used.LastRow().RowNumber();
        var lastColumn = used.LastColumn().ColumnNumber();
        var table = new List<string[]>(lastRow);
        for (var r = 1; r <= lastRow; r++)
        {
            var cells = new string[lastColumn];
            for (var c = 1; c <= lastColumn; c++)
            {
                cells[c - 1] = CellText(sheet.Cell(r, c));
            }

            table.Add(cells);
        }

        return table;
    }

    private static string CellText(IXLCell cell)
    {
        if (cell.DataType != XLDataType.DateTime)
        {
            return cell.GetFormattedString();
        }

        try
        {
            return cell.GetDateTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            // A number past the last day a date can hold (23042001 typed for 23/04/2001 into a date-formatted column): pass
            // the number on, so the row is named as having a bad date instead of the whole workbook refused as unreadable.
            return cell.GetFormattedString();
        }
    }

    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9/\-]{2,19}$")]
    private static partial Regex CandidateNumberShape();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();
}
