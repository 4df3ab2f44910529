using System.IO.Compression;
using System.Net;
using System.Text;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.ItemBank;

public sealed class TutorPageTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly BankFolder _disk = BankFolder.SmallUnit("DISK 01");
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private PageClient _tutor = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web").WithSetting(ItemBankLocation.ConfigurationKey, _disk.Root);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        var centre = await Centres.CentreAsync(_store, Random.Shared.Next(300000, 399999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var email = $"tutor{centre.Number}@example.org";
        await Centres.StaffAsync(_store, centre, email, Role.Tutor);
        _tutor = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await _tutor.SignInAsStaffAsync(email, Centres.Password);
    }

    public async Task DisposeAsync()
    {
        _tutor.Dispose();
        _disk.Dispose();
        await _engine.DisposeAsync();
    }

    private static byte[] Zip(BankFolder bank)
    {
        using var buffer = new MemoryStream();
        ZipFile.CreateFromDirectory(bank.Root, buffer);
        return buffer.ToArray();
    }

    private async Task<(HttpStatusCode Status, string Body)> Upload(string fileName, byte[] content, string mode, string unitFolder = "")
    {
        var page = await _tutor.GetPageAsync("/tutor");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
            { new ByteArrayContent(content), "file", fileName },
            { new StringContent(unitFolder), "unitFolder" },
            { new StringContent(mode), "mode" },
        };
        using var response = await _tutor.Http.PostAsync(new Uri("/tutor", UriKind.Relative), form);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private async Task<int> ItemsOf(string unitCode)
    {
        await using var query = _store.QuerySession();
        return await query.Query<BankItem>().CountAsync(i => i.UnitCode == unitCode);
    }

    [Fact]
    public async Task A_unit_zip_with_a_lint_error_shows_the_error_line_and_imports_nothing()
    {
        using var bank = BankFolder.SmallUnit("ZIPBAD 01");
        bank.Write("zipbad01/items/zipbad01-1.1-009.md", "---\nid: zipbad01-1.1-009\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\nWhich?\n\n- [x] One\n- [x] Two\n");

        var (status, body) = await Upload("zipbad01.zip", Zip(bank), "import");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Nothing was imported", body, StringComparison.Ordinal);
        Assert.Contains("zipbad01/items/zipbad01-1.1-009.md:9: error:", body, StringComparison.Ordinal);
        Assert.Equal(0, await ItemsOf("ZIPBAD 01"));
    }

    [Fact]
    public async Task A_clean_unit_zip_is_checked_then_imported_and_listed_with_its_coverage()
    {
        using var bank = BankFolder.SmallUnit("ZIPOK 01", items: 3);

        var (checkStatus, checkBody) = await Upload("zipok01.zip", Zip(bank), "check");
        Assert.Equal(HttpStatusCode.OK, checkStatus);
        Assert.Contains("No errors in 6 item(s). Nothing was imported yet.", checkBody, StringComparison.Ordinal);
        Assert.Equal(0, await ItemsOf("ZIPOK 01"));

        var (importStatus, importBody) = await Upload("zipok01.zip", Zip(bank), "import");
        Assert.Equal(HttpStatusCode.OK, importStatus);
        Assert.Contains("Imported: published 6, revised 0, retired 0, unchanged 0.", importBody, StringComparison.Ordinal);
        Assert.Equal(6, await ItemsOf("ZIPOK 01"));

        var unitPage = await _tutor.GetPageAsync("/tutor/unit?code=ZIPOK%2001");
        Assert.Contains("zipok01-2.1-003", unitPage, StringComparison.Ordinal);
        var preview = await _tutor.GetPageAsync("/tutor/item?id=zipok01-2.1-003");
        Assert.Contains("Question 3 on statement 2.1", preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unit_imported_with_its_methods_and_a_brief_shows_how_it_is_assessed_and_the_brief()
    {
        using var bank = BankFolder.SmallUnit("BRIEF 01", items: 1);
        var unitMd = (await File.ReadAllTextAsync(Path.Combine(bank.Root, "brief01", "unit.md"))).Replace("  invigilated: true\n---", """
              invigilated: true
            methods:
              - method: online_test
                covers: ["1", "2"]
                seed: "000_ffdec7d2b584c352.txt:106"
              - method: submitted_evidence
                evidence: [report, plan]
                covers: ["1", "2"]
                seed: "000_ffdec7d2b584c352.txt:91-104"
            ---
            """, StringComparison.Ordinal);
        bank.Write("brief01/unit.md", unitMd);
        bank.Write("brief01/briefs/brief01-report.md", """
            ---
            id: brief01-report
            title: A report on your organisation
            method: submitted_evidence
            covers: ["1.1", "2.1"]
            submit: [report, plan]
            words: "1500-2500"
            seed: "000_ffdec7d2b584c352.txt:91-104"
            ---
            Write a **report** on how your organisation serves its customers (1.1, 2.1).
            """);

        var (status, body) = await Upload("brief01.zip", Zip(bank), "import");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Imported: published 2", body, StringComparison.Ordinal);

        var unitPage = WebUtility.HtmlDecode(await _tutor.GetPageAsync("/tutor/unit?code=BRIEF%2001"));
        Assert.Contains("How the unit is assessed", unitPage, StringComparison.Ordinal);
        Assert.Contains("submitted evidence (report, plan): outcomes 1, 2", unitPage, StringComparison.Ordinal);
        Assert.Contains("000_ffdec7d2b584c352.txt:91-104", unitPage, StringComparison.Ordinal);
        Assert.Contains("A report on your organisation", unitPage, StringComparison.Ordinal);
        Assert.Contains("1,500 to 2,500 words", unitPage, StringComparison.Ordinal);
        Assert.Contains("Write a <strong>report</strong> on how your organisation serves its customers", unitPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_item_is_checked_against_its_unit_folder_and_only_it_is_imported()
    {
        var good = Encoding.UTF8.GetBytes("---\nid: disk01-2.1-050\ntype: truefalse\nstatements: [\"2.1\"]\nmarks: 1\n---\nThe second thing is explained in this unit.\n\n- [x] True\n- [ ] False\n");
        var bad = Encoding.UTF8.GetBytes("---\nid: disk01-2.1-051\ntype: truefalse\nstatements: [\"7.7\"]\nmarks: 1\n---\nNo such statement.\n\n- [x] True\n- [ ] False\n");

        var (badStatus, badBody) = await Upload("disk01-2.1-051.md", bad, "import", "disk01");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("disk01/items/disk01-2.1-051.md:4: error:", badBody, StringComparison.Ordinal);

        var (status, body) = await Upload("disk01-2.1-050.md", good, "import", "disk01");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Imported: published 1, revised 0, retired 0, unchanged 0.", body, StringComparison.Ordinal);
        Assert.Equal(1, await ItemsOf("DISK 01"));
    }

    [Fact]
    public async Task Uploads_that_are_neither_markdown_nor_a_zip_are_refused_with_a_clear_message()
    {
        var (status, body) = await Upload("notes.docx", [1, 2, 3], "import");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Upload one item as a Markdown file (.md), or a whole unit folder as a .zip.", body, StringComparison.Ordinal);

        var (zipStatus, zipBody) = await Upload("broken.zip", Encoding.UTF8.GetBytes("not a zip"), "import");
        Assert.Equal(HttpStatusCode.BadRequest, zipStatus);
        Assert.Contains("The file is not a readable zip.", zipBody, StringComparison.Ordinal);
    }
}
