using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml;
using AssessmentEngine.Web.Infrastructure;
using static AssessmentEngine.Web.Features.Identity.Registering.CandidateFileReader;

namespace AssessmentEngine.Web.Features.Identity.Registering;

/// <summary>
/// Measures an uploaded .xlsx package before ClosedXML, which holds every sheet of a workbook in memory, opens it: how
/// many parts it has, what they unpack to and how much they are compressed (from the zip's directory), then how far each
/// worksheet reaches, streamed from its cells. A sheet's dimension element is checked as well, but not trusted: the
/// cells decide. Anything past a limit is refused with a <see cref="RefusedException"/> naming it.
/// </summary>
internal static class WorkbookPackage
{
    private const uint EndOfCentralDirectory = 0x06054b50;
    private const int EndOfCentralDirectoryLength = 22;
    private const uint Zip64Locator = 0x07064b50;
    private const int Zip64LocatorLength = 20;
    private const uint Zip64EndOfCentralDirectory = 0x06064b50;

    // A small part packed tighter than a spreadsheet ever is (a run of spaces) costs nothing to read; a large one is a bomb.
    private const long SmallestPartRatioChecked = 1024 * 1024;

    private static readonly XmlReaderSettings Streaming = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    public static void Check(Stream file)
    {
        CheckDeclaredParts(file);
        file.Position = 0;
        using var package = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        if (package.Entries.Count > MaximumParts)
        {
            throw new RefusedException(RefusalKind.Invalid, TooManyParts((ulong)package.Entries.Count));
        }

        long unpacked = 0;
        foreach (var part in package.Entries)
        {
            unpacked = part.Length > long.MaxValue - unpacked ? long.MaxValue : unpacked + part.Length;
        }

        if (unpacked > MaximumUnpackedBytes)
        {
            throw new RefusedException(RefusalKind.Invalid, UnpacksTooLarge(unpacked));
        }

        foreach (var part in package.Entries.Where(p => p.Length >= SmallestPartRatioChecked))
        {
            var ratio = part.Length / Math.Max(part.CompressedLength, 1);
            if (ratio > MaximumCompressionRatio)
            {
                throw new RefusedException(RefusalKind.Invalid, CompressedTooTightly(part.FullName, ratio));
            }
        }

        // ClosedXML loads every sheet, not only the first; a sheet may be any part, whatever its name says.
        foreach (var part in package.Entries)
        {
            MeasureIfWorksheet(part);
        }
    }

    /// <summary>
    /// The number of parts the end of the zip declares, read before ZipArchive makes an object of each one (a 10 MB
    /// file can list a hundred thousand). ZipArchive then refuses a directory that holds another number.
    /// </summary>
    private static void CheckDeclaredParts(Stream file)
    {
        var tail = new byte[(int)Math.Min(file.Length, EndOfCentralDirectoryLength + ushort.MaxValue)];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        var at = tail.Length - EndOfCentralDirectoryLength;
        while (at >= 0 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndOfCentralDirectory)
        {
            at--;
        }

        if (at < 0)
        {
            throw new InvalidDataException("The file has no zip directory.");
        }

        ulong declared = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
        if (declared == ushort.MaxValue && at >= Zip64LocatorLength && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at - Zip64LocatorLength)) == Zip64Locator)
        {
            // The count is in the Zip64 end record, which the locator just before the end record points to.
            var record = new byte[40];
            file.Position = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(at - Zip64LocatorLength + 8));
            file.ReadExactly(record);
            declared = BinaryPrimitives.ReadUInt32LittleEndian(record) == Zip64EndOfCentralDirectory
                ? BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32))
                : throw new InvalidDataException("The file's Zip64 locator points to no Zip64 directory.");
        }

        if (declared > MaximumParts)
        {
            throw new RefusedException(RefusalKind.Invalid, TooManyParts(declared));
        }
    }

    private static void MeasureIfWorksheet(ZipArchiveEntry part)
    {
        using var content = new BoundedStream(part.Open(), part.Length, NotReadableWorkbook);
        using var reader = XmlReader.Create(content, Streaming);
        try
        {
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "worksheet")
            {
                return;
            }
        }
        catch (XmlException)
        {
            // Not XML at all (a picture, printer settings): nothing that is loaded as a sheet.
            return;
        }

        var sheet = reader.NamespaceURI;
        var extent = new SheetExtent();
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != sheet)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "dimension":
                    var (lastRow, lastColumn) = CellReference(LastCellOf(reader.GetAttribute("ref")));
                    Check(lastRow, lastColumn);
                    break;
                case "row":
                    extent.Row(reader.GetAttribute("r"));
                    break;
                case "c":
                    extent.Cell(reader.GetAttribute("r"));
                    break;
            }
        }

        Check(extent.LastRow, extent.LastColumn);
    }

    private static void Check(int lastRow, int lastColumn)
    {
        if (lastRow > MaximumRows + 1)
        {
            throw new RefusedException(RefusalKind.Invalid, TooManyRows(lastRow - 1));
        }

        if (lastColumn > MaximumColumns)
        {
            throw new RefusedException(RefusalKind.Invalid, TooManyColumns(lastColumn));
        }
    }

    private static string LastCellOf(string? range) => range is null ? "" : range[(range.IndexOf(':', StringComparison.Ordinal) + 1)..];

    /// <summary>Row and column of a reference such as XFD20001; a number too large for an int counts as int.MaxValue.</summary>
    private static (int Row, int Column) CellReference(string reference)
    {
        var letters = 0;
        long column = 0;
        for (; letters < reference.Length && char.IsAsciiLetter(reference[letters]); letters++)
        {
            column = Math.Min(column * 26 + (char.ToUpperInvariant(reference[letters]) - 'A' + 1), int.MaxValue);
        }

        return letters == 0 ? throw new RefusedException(RefusalKind.Invalid, NotReadableWorkbook) : (Number(reference[letters..]), (int)column);
    }

    /// <summary>A row number (1 or more); one too large for an int counts as int.MaxValue.</summary>
    private static int Number(string digits)
    {
        long number = 0;
        foreach (var digit in digits)
        {
            number = char.IsAsciiDigit(digit) ? Math.Min(number * 10 + (digit - '0'), int.MaxValue) : throw new RefusedException(RefusalKind.Invalid, NotReadableWorkbook);
        }

        return number == 0 ? throw new RefusedException(RefusalKind.Invalid, NotReadableWorkbook) : (int)number;
    }

    /// <summary>Where a sheet's rows and cells reach; rows and cells without a reference follow the one before.</summary>
    private sealed class SheetExtent
    {
        private int _row;
        private int _column;

        public int LastRow { get; private set; }

        public int LastColumn { get; private set; }

        public void Row(string? reference)
        {
            _row = reference is null ? Math.Min(_row, int.MaxValue - 1) + 1 : Number(reference);
            _column = 0;
            LastRow = Math.Max(LastRow, _row);
        }

        public void Cell(string? reference)
        {
            (var row, _column) = reference is null ? (_row, Math.Min(_column, int.MaxValue - 1) + 1) : CellReference(reference);
            LastRow = Math.Max(LastRow, row);
            LastColumn = Math.Max(LastColumn, _column);
        }
    }
}
