using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Infrastructure;
using ClosedXML.Excel;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

public sealed class CandidateRegistrationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private const string Header = "candidate_number,first_name,last_name,date_of_birth,email,extra_time_percent,rest_breaks,large_text,high_contrast,adjustment_notes";
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
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Candidates");
        string[] header = ["candidate_number", "first_name", "last_name", "date_of_birth", "extra_time_percent"];
        for (var c = 0; c < header.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = header[c];
        }

        sheet.Cell(2, 1).Value = "SCN0001";
        sheet.Cell(2, 2).Value = "Ann";
        sheet.Cell(2, 3).Value = "Smith";
        sheet.Cell(2, 4).Value = new DateTime(2001, 4, 23);
        sheet.Cell(2, 5).Value = 25;
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        stream.Position = 0;

        var file = CandidateFileReader.Read(stream, "candidates.xlsx", new HashSet<string>(), Today);

        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        Assert.Equal(new DateOnly(2001, 4, 23), file.Rows[0].DateOfBirth);
        Assert.Equal(25, file.Rows[0].ExtraTimePercent);
    }

    [Fact]
    public async Task A_good_ten_thousand_row_file_registers_in_one_go_through_the_admin_page()
    {
        var centre = await Centres.CentreAsync(_store, "200001");
        await Centres.StaffAsync(_store, centre, "officer@200001.example.org", Role.Admin);
        using var browser = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await browser.SignInAsStaffAsync("officer@200001.example.org", Centres.Password);
        var page = $"/centres/{centre.Id}/candidates";
        var csv = Encoding.UTF8.GetBytes($"{Header}\n{Rows(10_000)}");

        using var response = await browser.PostMultipartAsync(page, page + "?handler=Upload", "file", "cohort.csv", csv);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body[..Math.Min(2000, body.Length)]);
        Assert.Contains("Registered 10000 candidate(s).", body, StringComparison.Ordinal);
        await using var query = _store.QuerySession();
        Assert.Equal(10_000, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
        Assert.Equal(10_000, await query.Query<UserAccount>().CountAsync(a => a.SignInName.StartsWith("200001/")));
        Assert.Single(await query.Query<AuditEntry>().Where(e => e.Action == nameof(CandidatesRegistered) && e.CentreIds.Contains(centre.Id)).ToListAsync());

        // The same file again: every row is already registered, so nothing more is written.
        using var again = await browser.PostMultipartAsync(page, page + "?handler=Upload", "file", "cohort.csv", csv);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("row 2: candidate_number SCN000001 is already registered at this centre", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(10_000, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
    }

    [Fact]
    public async Task A_file_with_one_bad_row_among_good_ones_registers_nobody()
    {
        var centre = await Centres.CentreAsync(_store, "200002");
        var registry = _engine.Services.CreateScope().ServiceProvider.GetRequiredService<CentreRegistry>();
        var text = $"{Header}\n{Rows(50)}\nSCN999999,Ann,Smith,1999-13-01";

        var file = CandidateFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "x.csv", await registry.RegisteredNumbersAsync(centre.Id), Today);

        Assert.False(file.IsValid);
        Assert.Equal(52, Assert.Single(file.Errors).RowNumber);
        await using var query = _store.QuerySession();
        Assert.Equal(0, await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id));
    }

    [Fact]
    public async Task Adjustments_are_recorded_with_who_approved_them_and_audited()
    {
        var centre = await Centres.CentreAsync(_store, "200003");
        var candidate = await Centres.CandidateAsync(_store, centre, "ADJ0001");
        var registry = _engine.Services.CreateScope().ServiceProvider.GetRequiredService<CentreRegistry>();

        var updated = await registry.ApproveAdjustmentsAsync(centre.Id, candidate.Id, new Adjustments(ExtraTimePercent: 25, RestBreaks: true), new Acting("officer@x", "192.0.2.9"));

        Assert.Equal("officer@x", updated.Adjustments.ApprovedBy);
        await Assert.ThrowsAsync<RegistryRefusedException>(() =>
            registry.ApproveAdjustmentsAsync(Guid.NewGuid(), candidate.Id, Adjustments.None, new Acting("officer@x", "192.0.2.9")));
        await using var query = _store.QuerySession();
        var audit = await query.Query<AuditEntry>().SingleAsync(e => e.SubjectId == candidate.Id);
        Assert.Equal("officer@x approved adjustments for candidate ADJ0001: 25 % extra time, rest breaks", audit.Description);
        Assert.Equal("192.0.2.9", audit.SourceAddress);
    }
}
