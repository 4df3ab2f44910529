using System.IO.Compression;
using System.Net;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.ItemBank;

/// <summary>
/// Item banks have owners: an awarding body's unit is revised and retired only by its authors, and its keys are read
/// only by them and by the assessors and verifiers of centres that offer it. Tried as a centre's tutor would.
/// </summary>
public sealed class BankOwnershipTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static string Number() => Random.Shared.Next(400000, 499999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A unit of the awarding body (SQA), imported by the platform as `./ae itembank import` does.</summary>
    private async Task<(BankFolder Bank, string Code, string Slug)> AwardingBodyUnitAsync()
    {
        var code = $"OWN {Random.Shared.Next(10000, 99999)}";
        var bank = BankFolder.SmallUnit(code, items: 2);
        await ImportItemBank.RunAsync(_store, ItemBankLoader.Load([bank.Root], bank.Root), retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        return (bank, code, code.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant());
    }

    private async Task<PageClient> StaffAsync(Centre centre, params Role[] roles)
    {
        var email = $"{string.Join("-", roles).ToLowerInvariant()}{Random.Shared.Next()}@example.org";
        await Centres.StaffAsync(_store, centre, email, roles);
        var client = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using var signedIn = await client.SignInAsStaffAsync(email, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static byte[] Zip(BankFolder bank)
    {
        using var buffer = new MemoryStream();
        ZipFile.CreateFromDirectory(bank.Root, buffer);
        return buffer.ToArray();
    }

    private static async Task<(HttpStatusCode Status, string Body)> ImportAsync(PageClient client, byte[] zip, string? owner = null)
    {
        var page = await client.GetPageAsync("/tutor");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
            { new ByteArrayContent(zip), "file", "unit.zip" },
            { new StringContent("import"), "mode" },
        };
        if (owner is not null)
        {
            form.Add(new StringContent(owner), "owner");
        }

        using var response = await client.Http.PostAsync(new Uri("/tutor", UriKind.Relative), form);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private async Task<IReadOnlyList<BankItem>> ItemsAsync(string code)
    {
        await using var query = _store.QuerySession();
        return await query.Query<BankItem>().Where(i => i.UnitCode == code).OrderBy(i => i.ItemId).ToListAsync();
    }

    /// <summary>The page's answer, where the engine's way of refusing a page (a redirect to /denied) counts as 403.</summary>
    private static async Task<HttpStatusCode> StatusAsync(PageClient client, string path)
    {
        using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
        return response.Headers.Location?.OriginalString.Contains("/denied", StringComparison.Ordinal) == true ? HttpStatusCode.Forbidden : response.StatusCode;
    }

    [Theory]
    [InlineData(Role.Tutor)]
    [InlineData(Role.Admin, Role.Tutor)]
    public async Task A_centres_tutor_cannot_revise_or_retire_a_unit_another_owner_owns(params Role[] roles)
    {
        var (bank, code, slug) = await AwardingBodyUnitAsync();
        using var _ = bank;
        var before = await ItemsAsync(code);
        using var tutor = await StaffAsync(await Centres.CentreAsync(_store, Number(), "Centre A"), roles);

        // The zip changes one item's key and drops another: a revision and a retirement of the body's unit.
        bank.WriteItem(slug, $"{slug}-1.1-001", "1.1", "A question rewritten by another centre?");
        File.Delete(Path.Combine(bank.Root, slug, "items", $"{slug}-2.1-002.md"));
        var (status, body) = await ImportAsync(tutor, Zip(bank));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"{code} belongs to SQA", body, StringComparison.Ordinal);
        var after = await ItemsAsync(code);
        Assert.Equal(before.Select(i => (i.ItemId, i.Revision, i.Retired)), after.Select(i => (i.ItemId, i.Revision, i.Retired)));
    }

    [Fact]
    public async Task A_centres_tutor_cannot_read_another_owners_keys_or_see_its_units()
    {
        var (bank, code, slug) = await AwardingBodyUnitAsync();
        using var _ = bank;
        using var tutor = await StaffAsync(await Centres.CentreAsync(_store, Number(), "Centre A"), Role.Tutor);

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tutor, $"/tutor/unit?code={Uri.EscapeDataString(code)}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tutor, $"/tutor/item?id={slug}-1.1-001"));
        Assert.DoesNotContain(code, await tutor.GetPageAsync("/tutor"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bodys_author_revises_its_unit_and_assessors_of_centres_offering_it_read_its_keys()
    {
        var (bank, code, slug) = await AwardingBodyUnitAsync();
        using var _ = bank;
        var platform = _engine.Services.CreateScope().ServiceProvider.GetRequiredService<Features.Platform.PlatformOperator>();
        var home = await Centres.CentreAsync(_store, Number(), "Author's centre", offers: []);
        var authorEmail = $"author{Random.Shared.Next()}@example.org";
        await Centres.StaffAsync(_store, home, authorEmail, Role.Tutor);
        await platform.SetAuthoringAsync(authorEmail, "SQA", grant: true, new Acting("operator@example.org", "192.0.2.9"));
        using var author = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using (var signedIn = await author.SignInAsStaffAsync(authorEmail, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        bank.WriteItem(slug, $"{slug}-1.1-001", "1.1", "A question its author improved?");
        var (status, body) = await ImportAsync(author, Zip(bank), owner: "body:SQA");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains("revised 1", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(author, $"/tutor/item?id={slug}-1.1-001"));

        // Assessors read the keys of the units their centre offers, and of no other.
        var offering = await Centres.CentreAsync(_store, Number(), "Offering centre", offers: [code]);
        var elsewhere = await Centres.CentreAsync(_store, Number(), "Another centre", offers: []);
        using var assessor = await StaffAsync(offering, Role.Assessor);
        using var stranger = await StaffAsync(elsewhere, Role.Verifier);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(assessor, $"/tutor/unit?code={Uri.EscapeDataString(code)}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(assessor, $"/tutor/item?id={slug}-1.1-001"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(stranger, $"/tutor/item?id={slug}-1.1-001"));

        // A centre not offered the unit cannot enrol anyone on it.
        var candidate = await Centres.CandidateAsync(_store, elsewhere, "C0001");
        var enrolling = _engine.Services.GetRequiredService<EnrolCandidates>();
        var refused = await Assert.ThrowsAsync<RefusedException>(() =>
            enrolling.HandleAsync(elsewhere.Id, code, [candidate.Id], new Acting("officer@example.org", "192.0.2.1")));
        Assert.Contains("does not offer", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_centres_tutor_owns_the_units_they_import_and_no_other_centre_reads_them()
    {
        var code = $"OWNC {Random.Shared.Next(10000, 99999)}";
        using var bank = BankFolder.SmallUnit(code, items: 1);
        var a = await Centres.CentreAsync(_store, Number(), "Centre A", offers: []);
        var b = await Centres.CentreAsync(_store, Number(), "Centre B", offers: []);
        using var tutorA = await StaffAsync(a, Role.Tutor);
        using var tutorB = await StaffAsync(b, Role.Tutor, Role.Assessor);

        var (status, body) = await ImportAsync(tutorA, Zip(bank));
        Assert.True(status == HttpStatusCode.OK, body);
        await using (var query = _store.QuerySession())
        {
            Assert.Equal(BankOwners.ForCentre(a.Id), (await query.LoadAsync<BankUnit>(code))!.OwnerId);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(tutorA, $"/tutor/unit?code={Uri.EscapeDataString(code)}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(tutorB, $"/tutor/unit?code={Uri.EscapeDataString(code)}"));
        var (retired, retiredBody) = await ImportAsync(tutorB, Zip(bank));
        Assert.Equal(HttpStatusCode.BadRequest, retired);
        Assert.Contains("belongs to another centre's own bank", retiredBody, StringComparison.Ordinal);
    }
}
