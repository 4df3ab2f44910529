using System.Globalization;
using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using ClosedXML.Excel;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

public sealed class CandidateRegistrationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Header = "candidate_number,first_name,last_name,date_of_birth,email,extra_time_percent,rest_breaks,large_text,high_contrast,adjustment_notes";
    private static int _lastCentreNumber = 210_000;
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static CandidateFile ReadCsv(string text, params string[] registered) =>
        CandidateFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "candidates.csv", registered.ToHashSet(), Today);

    private static string Rows(int count, int from = 1) =>
        string.Join("\n", Enumerable.Range(from, count).Select(n => $"SCN{n:000000},Ann,Smith {n},2001-04-23,,0,no,no,no,"));

    [Fact]
    public void A_good_file_reads_every_column()
    {
        var file = ReadCsv($"{Header}\nscn0001,Ann,Smith,23/04/2001,ann@example.org,25%,yes,Y,no,Reader needed\nSCN0002,\"O'Neil, Jr\",Brown,2000-01-31,,,,,,");

        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        Assert.Equal(
            new CandidateRow(2, "SCN0001", "Ann", "Smith", new DateOnly(2001, 4, 23), "ann@example.org", 25, true, true, false, "Reader needed"),
            file.Rows[0]);
        Assert.Equal("O'Neil, Jr", file.Rows[1].FirstName);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("\n\n", "the file is empty")]
    [InlineData("candidate_number,first_name,last_name\nSCN0001,Ann,Smith", "row 1: missing column(s): date_of_birth")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth,shoe_size\nSCN0001,Ann,Smith,2001-04-23,9", "row 1: unknown column 'shoe_size'")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\n", "the file has a header row but no candidates")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\nSCN0001,Ann,Smith,31/02/2001", "row 2: date_of_birth '31/02/2001' is not a date")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\nSCN0001,Ann,Smith,2030-01-01", "row 2: date_of_birth 2030-01-01 is in the future")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\nSCN0001,Ann,,2001-04-23", "row 2: last_name is empty")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\n=cmd|' /C calc'!A0,Ann,Smith,2001-04-23", "row 2: candidate_number '=CMD|' /C CALC'!A0' is not a candidate number")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth,extra_time_percent\nSCN0001,Ann,Smith,2001-04-23,150", "row 2: extra_time_percent '150' must be a whole number from 0 to 100")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth,rest_breaks\nSCN0001,Ann,Smith,2001-04-23,maybe", "row 2: rest_breaks 'maybe' must be yes or no")]
    [InlineData("candidate_number,first_name,last_name,date_of_birth\nSCN0001,Ann,Smith,2001-04-23\nscn0001,Bob,Jones,2001-04-23", "row 3: candidate_number SCN0001 is also on row 2")]
    public void Bad_files_name_each_bad_row_and_import_nothing(string text, string expected)
    {
        var file = ReadCsv(text);

        Assert.False(file.IsValid);
        Assert.Empty(file.Rows);
        Assert.Contains(file.Errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_number_already_registered_at_the_centre_is_a_row_error()
    {
        var file = ReadCsv($"{Header}\n{Rows(3)}", "SCN000002");
        Assert.Equal("row 3: candidate_number SCN000002 is already registered at this centre", Assert.Single(file.Errors).ToString());
        Assert.Empty(file.Rows);
    }

    [Fact]
    public void Every_bad_row_is_reported_not_just_the_first()
    {
        var file = ReadCsv($"{Header}\n{Rows(2)}\nBAD!,Ann,Smith,2001-04-23\n{Rows(2, 10)}\nSCN9999,,Smith,not a date");
        Assert.Equal([4, 7, 7], file.Errors.Select(e => e.RowNumber));
    }

    [Fact]
    public void A_file_of_a_hundred_thousand_rows_is_refused_whole_with_the_limit_named()
    {
        var file = ReadCsv($"{Header}\n{Rows(100_000)}");
        var error = Assert.Single(file.Errors);
        Assert.Contains("at most 20,000", error.Message, StringComparison.Ordinal);
        Assert.Empty(file.Rows);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_with_how_to_save_it()
    {
        var latin1 = Encoding.Latin1.GetBytes($"{Header}\nSCN0001,Zoë,Smith,2001-04-23");
        var file = CandidateFileReader.Read(new MemoryStream(latin1), "candidates.csv", new HashSet<string>(), Today);
        Assert.Contains("CSV UTF-8", Assert.Single(file.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_named_xlsx_are_refused_as_an_unreadable_workbook()
    {
        var file = CandidateFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("not a zip at all")), "candidates.xlsx", new HashSet<string>(), Today);
        Assert.Equal("the file is not a readable .xlsx workbook.", Assert.Single(file.Errors).Message);
    }

    [Fact]
    public void A_workbook_with_real_date_cells_reads_like_the_csv()
    {
        var xlsx = Workbook(
            ["candidate_number", "first_name", "last_name", "date_of_birth", "extra_time_percent"],
            ["SCN0001", "Ann", "Smith", new DateTime(2001, 4, 23), 25]);

        var file = CandidateFileReader.Read(new MemoryStream(xlsx), "candidates.xlsx", new HashSet<string>(), Today);

        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        Assert.Equal(new DateOnly(2001, 4, 23), file.Rows[0].DateOfBirth);
        Assert.Equal(25, file.Rows[0].ExtraTimePercent);
    }

    // Each workbook has good rows beside the bad one, and the centre already has one candidate (SCN0100), so "nothing
    // was registered" is seen in the database and not only in the message. Rows are the sheet's own row numbers.
    [Theory]
    [InlineData("missing column", "row 1: missing column(s): date_of_birth. The first row must name the columns.")]
    [InlineData("unknown column", "row 1: unknown column 'shoe_size'. The columns are: candidate_number, first_name,")]
    [InlineData("number twice in the file", "row 4: candidate_number SCN0001 is also on row 2")]
    [InlineData("number already registered", "row 3: candidate_number SCN0100 is already registered at this centre")]
    [InlineData("text that is not a date", "row 3: date_of_birth '31/02/2001' is not a date; write it as 2001-04-23 or 23/04/2001")]
    [InlineData("date cell in the future", "row 3: date_of_birth 2099-01-01 is in the future")]
    [InlineData("plain number in the date column", "row 3: date_of_birth '37004' is not a date; write it as 2001-04-23 or 23/04/2001")]
    [InlineData("date cell a century and more ago", "row 3: date_of_birth 1900-04-09 gives an age outside 14 to 100; check it")]
    [InlineData("date cell beyond the calendar", "row 3: date_of_birth '23042001' is not a date; write it as 2001-04-23 or 23/04/2001")]
    [InlineData("empty sheet", "the file is empty. The first row must name the columns: candidate_number, first_name, last_name, date_of_birth.")]
    [InlineData("header only", "the file has a header row but no candidates.")]
    [InlineData("too many rows", "the file has 20,001 rows; register at most 20,000 candidates per file. Split it and upload each part.")]
    public async Task A_bad_workbook_uploaded_on_the_admin_page_names_the_row_and_registers_nobody(string workbook, string expected)
    {
        var centre = await Centres.CentreAsync(_store, Interlocked.Increment(ref _lastCentreNumber).ToString(CultureInfo.InvariantCulture));
        await Centres.CandidateAsync(_store, centre, "SCN0100");
        using var browser = await AdminOfAsync(centre);
        Assert.Equal(1, await CandidatesAtAsync(centre));

        using var response = await CandidatesPage.UploadAsync(browser, centre, "cohort.xlsx", Workbook(BadWorkbook(workbook)));

        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, Assert.Single(CandidatesPage.ErrorsOn(body)), StringComparison.Ordinal);
        Assert.Equal(1, await CandidatesAtAsync(centre));
    }

    private static object?[][] BadWorkbook(string name)
    {
        object?[] header = ["candidate_number", "first_name", "last_name", "date_of_birth"];
        object?[] good = ["SCN0001", "Ann", "Smith", new DateTime(2001, 4, 23)];
        object?[] WithBirth(object birth) => ["SCN0002", "Bob", "Jones", birth];
        return name switch
        {
            "missing column" => [["candidate_number", "first_name", "last_name"], ["SCN0001", "Ann", "Smith"]],
            "unknown column" => [[.. header, "shoe_size"], [.. good, 9]],
            "number twice in the file" => [header, good, [], ["scn0001", "Bob", "Jones", new DateTime(2002, 5, 6)]],
            "number already registered" => [header, good, ["SCN0100", "Bob", "Jones", new DateTime(2002, 5, 6)]],
            "text that is not a date" => [header, good, WithBirth("31/02/2001")],
            "date cell in the future" => [header, good, WithBirth(new DateTime(2099, 1, 1))],
            "plain number in the date column" => [header, good, WithBirth(37004)],
            "date cell a century and more ago" => [header, good, WithBirth(new DateSerial(100))],
            // 23/04/2001 typed without its slashes into a date-formatted column: a serial past 31/12/9999.
            "date cell beyond the calendar" => [header, good, WithBirth(new DateSerial(23042001))],
            "empty sheet" => [],
            "header only" => [header],
            "too many rows" => [header, .. Enumerable.Range(1, CandidateFileReader.MaximumRows + 1)
                .Select(n => new object?[] { $"SCN{n:000000}", "Ann", $"Smith {n}", new DateTime(2001, 4, 23) })],
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such workbook"),
        };
    }

    /// <summary>A number in a date-formatted cell, which is how Excel stores a date.</summary>
    private sealed record DateSerial(double Value);

    /// <summary>An .xlsx file whose first sheet holds these rows: strings as text cells, DateTime as date cells, numbers as numbers.</summary>
    private static byte[] Workbook(params object?[][] rows)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Candidates");
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                var cell = sheet.Cell(r + 1, c + 1);
                switch (rows[r][c])
                {
                    case null:
                        break;
                    case string text:
                        cell.SetValue(text).SetDataType(XLDataType.Text);
                        break;
                    case DateTime date:
                        cell.SetValue(date);
                        break;
                    case DateSerial serial:
                        cell.SetValue(serial.Value).Style.NumberFormat.Format = "yyyy-mm-dd";
                        break;
                    case int number:
                        cell.SetValue(number);
                        break;
                    default:
                        throw new ArgumentException($"no cell for {rows[r][c]}", nameof(rows));
                }
            }
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task A_good_ten_thousand_row_file_registers_in_one_go_through_the_admin_page()
    {
        var centre = await Centres.CentreAsync(_store, "200001");
        using var browser = await AdminOfAsync(centre);
        var csv = Encoding.UTF8.GetBytes($"{Header}\n{Rows(10_000)}");

        using var response = await CandidatesPage.UploadAsync(browser, centre, "cohort.csv", csv);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body[..Math.Min(2000, body.Length)]);
        Assert.Contains("Registered 10000 candidate(s).", body, StringComparison.Ordinal);
        await using var query = _store.QuerySession();
        Assert.Equal(10_000, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
        Assert.Equal(10_000, await query.Query<UserAccount>().CountAsync(a => a.SignInName.StartsWith("200001/")));
        Assert.Single(await query.Query<AuditEntry>().Where(e => e.Action == nameof(CandidatesRegistered) && e.CentreIds.Contains(centre.Id)).ToListAsync());

        // The same file again: every row is already registered, so nothing more is written.
        using var again = await CandidatesPage.UploadAsync(browser, centre, "cohort.csv", csv);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("row 2: candidate_number SCN000001 is already registered at this centre", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(10_000, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
    }

    [Fact]
    public async Task A_file_with_one_bad_row_among_good_ones_registers_nobody()
    {
        var centre = await Centres.CentreAsync(_store, "200002");
        using var browser = await AdminOfAsync(centre);
        var csv = Encoding.UTF8.GetBytes($"{Header}\n{Rows(50)}\nSCN999999,Ann,Smith,1999-13-01");

        using var response = await CandidatesPage.UploadAsync(browser, centre, "cohort.csv", csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(["row 52: date_of_birth '1999-13-01' is not a date; write it as 2001-04-23 or 23/04/2001"], CandidatesPage.ErrorsOn(body));
        Assert.Contains("Registered (0)", body, StringComparison.Ordinal);
        Assert.Equal(0, await CandidatesAtAsync(centre));
    }

    [Fact]
    public async Task Adjustments_are_recorded_with_who_approved_them_and_audited()
    {
        var centre = await Centres.CentreAsync(_store, "200003");
        var candidate = await Centres.CandidateAsync(_store, centre, "ADJ0001");
        var registry = _engine.Services.CreateScope().ServiceProvider.GetRequiredService<CentreRegistry>();

        var updated = await registry.ApproveAdjustmentsAsync(centre.Id, candidate.Id, new Adjustments(ExtraTimePercent: 25, RestBreaks: true), new Acting("officer@x", "192.0.2.9"));

        Assert.Equal("officer@x", updated.Adjustments.ApprovedBy);
        await Assert.ThrowsAsync<RefusedException>(() =>
            registry.ApproveAdjustmentsAsync(Guid.NewGuid(), candidate.Id, Adjustments.None, new Acting("officer@x", "192.0.2.9")));
        await using var query = _store.QuerySession();
        var audit = await query.Query<AuditEntry>().SingleAsync(e => e.SubjectId == candidate.Id);
        Assert.Equal("officer@x approved adjustments for candidate ADJ0001: 25 % extra time, rest breaks", audit.Description);
        Assert.Equal("192.0.2.9", audit.SourceAddress);
    }

    private Task<PageClient> AdminOfAsync(Centre centre) => CandidatesPage.AdminOfAsync(_engine, _store, centre);

    private Task<int> CandidatesAtAsync(Centre centre) => CandidatesPage.CandidatesAtAsync(_store, centre);
}
