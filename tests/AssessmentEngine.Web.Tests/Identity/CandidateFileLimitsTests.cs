using System.Globalization;
using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Infrastructure;
using ClosedXML.Excel;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// A registration file is measured before it is parsed: a workbook's package (its size, the size it unpacks to, how much
/// it is compressed, how many parts) and its sheets' extent, and a CSV's size, lines and columns. A file over a limit is
/// refused whole with the limit named, and nobody is registered.
/// </summary>
public sealed class CandidateFileLimitsTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static int _lastCentreNumber = 220_000;
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_sparse_workbook_of_a_few_kilobytes_reaching_XFD20001_is_refused_on_the_page_before_it_is_loaded()
    {
        var sparse = HostileWorkbooks.Sparse();
        Assert.InRange(sparse.Length, 1, 16 * 1024);

        var error = await UploadRefusedAsync("sparse.xlsx", sparse);

        Assert.Equal(
            "the file has 16,384 columns (A to XFD); a registration file has at most 26 columns (A to Z). Delete the columns after the candidates' details and upload it again.",
            error);
    }

    [Fact]
    public async Task A_ten_megabyte_zip_bomb_is_refused_on_the_page_before_it_is_opened()
    {
        var bomb = HostileWorkbooks.ZipBomb();
        Assert.InRange(bomb.Length, 9 * 1024 * 1024, CandidateFileReader.MaximumBytes);

        var error = await UploadRefusedAsync("bomb.xlsx", bomb);

        Assert.Matches(@"^the workbook unpacks to 9,\d{3} MB; a registration workbook unpacks to at most 50 MB\.", error);
    }

    [Fact]
    public async Task A_file_over_ten_megabytes_is_refused_on_the_page_with_the_limit_named()
    {
        var csv = new byte[CandidateFileReader.MaximumBytes + 1];
        Array.Fill(csv, (byte)'\n');

        var error = await UploadRefusedAsync("cohort.csv", csv);

        Assert.Equal("the file is larger than 10 MB; a registration file is at most 10 MB. Split it and upload each part.", error);
    }

    [Fact]
    public void A_file_over_ten_megabytes_is_refused_by_the_reader_too()
    {
        var file = ReadWorkbook(new byte[CandidateFileReader.MaximumBytes + 1]);

        Assert.StartsWith("the file is larger than 10 MB", Assert.Single(file.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dimension_that_understates_the_sheet_is_not_trusted()
    {
        var rows = string.Concat(Enumerable.Range(2, 29_999).Select(r => $"""<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>SCN{r:000000}</t></is></c></row>"""));
        var xlsx = HostileWorkbooks.WithSheet($"""<dimension ref="A1:D2"/><sheetData>{HeaderRow}{rows}</sheetData>""");

        var file = ReadWorkbook(xlsx);

        Assert.Equal("the file has 29,999 rows; register at most 20,000 candidates per file. Split it and upload each part.", Assert.Single(file.Errors).Message);
    }

    [Theory]
    [InlineData("A1:XFD1048576", "the file has 1,048,575 rows; register at most 20,000 candidates per file.")]
    [InlineData("A1:AA3", "the file has 27 columns (A to AA); a registration file has at most 26 columns (A to Z).")]
    public void A_dimension_past_the_limits_is_refused_before_the_cells_are_read(string dimension, string expected)
    {
        var xlsx = HostileWorkbooks.WithSheet($"""<dimension ref="{dimension}"/><sheetData>{HeaderRow}{CandidateRow(2)}</sheetData>""");

        var file = ReadWorkbook(xlsx);

        Assert.StartsWith(expected, Assert.Single(file.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_and_cells_without_references_are_counted_where_the_sheet_puts_them()
    {
        var row = """<row><c t="inlineStr"><is><t>SCN1</t></is></c><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/></row>""";
        var xlsx = HostileWorkbooks.WithSheet($"<sheetData>{HeaderRow}{row}</sheetData>");

        var file = ReadWorkbook(xlsx);

        Assert.StartsWith("the file has 27 columns (A to AA);", Assert.Single(file.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workbook_of_more_parts_than_a_registration_file_needs_is_refused()
    {
        var file = ReadWorkbook(HostileWorkbooks.WithExtraParts(300));

        Assert.Equal(
            "the workbook is made of 310 parts; a registration workbook has at most 200. Copy the candidates' sheet into a new workbook, or save it as CSV UTF-8, and upload that.",
            Assert.Single(file.Errors).Message);
    }

    [Fact]
    public void A_part_compressed_more_than_a_spreadsheet_ever_is_is_refused_unopened()
    {
        var padding = new string(' ', 20 * 1024 * 1024);
        var xlsx = HostileWorkbooks.WithSheet($"<sheetData>{HeaderRow}{CandidateRow(2)}{padding}</sheetData>");

        var file = ReadWorkbook(xlsx);

        Assert.Matches(
            @$"^the workbook's part {HostileWorkbooks.SheetPart} is compressed [\d,]+ to 1; a registration workbook is compressed at most 100 to 1\.",
            Assert.Single(file.Errors).Message);
    }

    [Fact]
    public void Every_sheet_is_measured_not_only_the_first()
    {
        using var workbook = new XLWorkbook(new MemoryStream(HostileWorkbooks.Plain()));
        workbook.AddWorksheet("Notes").Cell("A30000").Value = "x";
        using var saved = new MemoryStream();
        workbook.SaveAs(saved);

        var file = ReadWorkbook(saved.ToArray());

        Assert.StartsWith("the file has 29,999 rows;", Assert.Single(file.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_workbook_of_twenty_thousand_candidates_with_every_column_is_within_the_limits()
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Candidates");
        string[] columns = [.. CandidateFileReader.RequiredColumns, .. CandidateFileReader.OptionalColumns];
        for (var c = 0; c < columns.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = columns[c];
        }

        for (var r = 2; r <= CandidateFileReader.MaximumRows + 1; r++)
        {
            object[] values = [$"SCN{r:000000}", "Ann", $"Smith-Jones {r}", new DateTime(2001, 4, 23), $"candidate{r}@example.org", 25, "yes", "no", "yes",
                $"Reader and a separate room; notes {r}: " + new string('n', 400)];
            for (var c = 0; c < values.Length; c++)
            {
                sheet.Cell(r, c + 1).Value = values[c];
            }
        }

        using var saved = new MemoryStream();
        workbook.SaveAs(saved);

        var file = ReadWorkbook(saved.ToArray());

        Assert.True(file.IsValid, string.Join("; ", file.Errors.Take(3)));
        Assert.Equal(CandidateFileReader.MaximumRows, file.Rows.Count);
    }

    [Fact]
    public void A_csv_wider_than_the_limit_is_refused()
    {
        var file = ReadCsv("candidate_number,first_name,last_name,date_of_birth" + new string(',', 26) + "\nSCN0001,Ann,Smith,2001-04-23");

        Assert.Equal(
            "the file has 30 columns (A to AD); a registration file has at most 26 columns (A to Z). Delete the columns after the candidates' details and upload it again.",
            Assert.Single(file.Errors).Message);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_csv_line_longer_than_the_limit_is_refused(string newline)
    {
        var file = ReadCsv($"candidate_number,first_name,last_name,date_of_birth{newline}SCN0001,Ann,Smith,2001-04-23{newline}SCN0002,Bob,\"{new string('b', 5_000)}\",2001-04-23");

        Assert.Equal(
            "line 3 is longer than 4,096 characters; a registration file's lines are at most 4,096 characters. Check that it is the candidates' file.",
            Assert.Single(file.Errors).Message);
    }

    [Fact]
    public void A_value_over_many_lines_is_as_long_as_a_line_at_most()
    {
        var quoted = string.Join("\n", Enumerable.Repeat(new string('n', 1_000), 10));
        var file = ReadCsv($"candidate_number,first_name,last_name,date_of_birth,adjustment_notes\nSCN0001,Ann,Smith,2001-04-23,\"{quoted}\"");

        Assert.Equal(
            "a value on row 2 is longer than 4,096 characters; a registration file's values are at most 4,096 characters. Check that it is the candidates' file.",
            Assert.Single(file.Errors).Message);
    }

    private const string HeaderRow =
        """<row r="1"><c r="A1" t="inlineStr"><is><t>candidate_number</t></is></c><c r="B1" t="inlineStr"><is><t>first_name</t></is></c><c r="C1" t="inlineStr"><is><t>last_name</t></is></c><c r="D1" t="inlineStr"><is><t>date_of_birth</t></is></c></row>""";

    private static string CandidateRow(int r) =>
        $"""<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>SCN{r:0000}</t></is></c><c r="B{r}" t="inlineStr"><is><t>Ann</t></is></c><c r="C{r}" t="inlineStr"><is><t>Smith</t></is></c><c r="D{r}" t="inlineStr"><is><t>2001-04-23</t></is></c></row>""";

    private static CandidateFile ReadWorkbook(byte[] xlsx) =>
        CandidateFileReader.Read(new MemoryStream(xlsx), "candidates.xlsx", new HashSet<string>(), Today);

    private static CandidateFile ReadCsv(string text) =>
        CandidateFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "candidates.csv", new HashSet<string>(), Today);

    /// <summary>Uploads the file on the Candidates page of a centre that already has one candidate; returns the one error the page shows.</summary>
    private async Task<string> UploadRefusedAsync(string fileName, byte[] content)
    {
        var centre = await Centres.CentreAsync(_store, Interlocked.Increment(ref _lastCentreNumber).ToString(CultureInfo.InvariantCulture));
        await Centres.CandidateAsync(_store, centre, "SCN0100");
        using var browser = await CandidatesPage.AdminOfAsync(_engine, _store, centre);

        using var response = await CandidatesPage.UploadAsync(browser, centre, fileName, content);

        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body[..Math.Min(2000, body.Length)]}");
        Assert.Equal(1, await CandidatesPage.CandidatesAtAsync(_store, centre));
        return Assert.Single(CandidatesPage.ErrorsOn(body));
    }
}
