using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>The exam officer's Candidates page as a test uses it: signed in, uploading a file, reading what it says.</summary>
public static partial class CandidatesPage
{
    public static async Task<PageClient> AdminOfAsync(EngineFactory engine, IDocumentStore store, Centre centre)
    {
        var email = $"officer@{centre.Number}.example.org";
        await Centres.StaffAsync(store, centre, email, Role.Admin);
        var browser = new PageClient(engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        await browser.SignInAsStaffAsync(email, Centres.Password);
        return browser;
    }

    /// <summary>Uploads a registration file with the admin page's form, as an exam officer does.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(PageClient browser, Centre centre, string fileName, byte[] content)
    {
        var page = $"/centres/{centre.Id}/candidates";
        return await browser.PostMultipartAsync(page, page + "?handler=Upload", "file", fileName, content);
    }

    public static async Task<int> CandidatesAtAsync(IDocumentStore store, Centre centre)
    {
        await using var query = store.QuerySession();
        return await query.Query<Candidate>().CountAsync(c => c.CentreId == centre.Id);
    }

    /// <summary>The list under "Nothing was registered", as the page shows it.</summary>
    public static List<string> ErrorsOn(string body)
    {
        var summary = ErrorSummary().Match(body);
        return summary.Success ? [.. ErrorItem().Matches(summary.Value).Select(m => m.Groups[1].Value)] : [];
    }

    [GeneratedRegex("<div class=\"error-summary\".*?</ul>", RegexOptions.Singleline)]
    private static partial Regex ErrorSummary();

    [GeneratedRegex("<li>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex ErrorItem();
}
