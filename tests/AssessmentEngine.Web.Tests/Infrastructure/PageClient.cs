using System.Net;
using System.Text.RegularExpressions;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>A browser-like HTTP client: keeps cookies, reads the antiforgery token from a page's form and posts forms with it.</summary>
public sealed partial class PageClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        return body;
    }

    /// <summary>Posts a form as the page at <paramref name="pagePath"/> would, with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await GetPageAsync(pagePath);
        var token = TokenField().Match(page);
        Assert.True(token.Success, $"no antiforgery token on {pagePath}");
        var all = fields.Append(new KeyValuePair<string, string>("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        using var content = new FormUrlEncodedContent(all);
        return await Http.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    public Task<HttpResponseMessage> PostMultipartAsync(string pagePath, string action, string fieldName, string fileName, byte[] file) =>
        PostMultipartAsync(pagePath, action, [], fieldName, fileName, file);

    /// <summary>Posts a form with fields and a file, as the page at <paramref name="pagePath"/> would, with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostMultipartAsync(string pagePath, string action, IEnumerable<(string Name, string Value)> fields, string fieldName, string fileName,
        byte[] file)
    {
        var page = await GetPageAsync(pagePath);
        var token = TokenField().Match(page);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "__RequestVerificationToken" },
            { new ByteArrayContent(file), fieldName, fileName },
        };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        return await Http.PostAsync(new Uri(action, UriKind.Relative), content);
    }

    /// <summary>
    /// The antiforgery token of the form on the page at <paramref name="pagePath"/>, as this client's browser would post it; null when the
    /// page does not answer 200 or shows no form.
    /// </summary>
    public async Task<string?> TokenOnAsync(string pagePath)
    {
        using var response = await Http.GetAsync(new Uri(pagePath, UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var token = TokenField().Match(await response.Content.ReadAsStringAsync());
        return token.Success ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;
    }

    public async Task<HttpResponseMessage> SignInAsStaffAsync(string email, string password) =>
        await PostFormAsync("/signin", "/signin?handler=Staff", [new("email", email), new("password", password)]);

    public async Task<HttpResponseMessage> SignInAsCandidateAsync(string centreNumber, string candidateNumber, string secret) =>
        await PostFormAsync("/signin", "/signin?handler=Candidate",
            [new("centreNumber", centreNumber), new("candidateNumber", candidateNumber), new("secret", secret)]);

    /// <summary>Presses Sign out on the page at <paramref name="pagePath"/>: posts that form with the token it carries, as a browser does.</summary>
    public async Task<HttpResponseMessage> SignOutFromAsync(string pagePath)
    {
        var form = SignOutForm().Match(await GetPageAsync(pagePath));
        Assert.True(form.Success, $"no sign-out form on {pagePath}");
        var token = TokenField().Match(form.Value);
        Assert.True(token.Success, $"the sign-out form on {pagePath} carries no antiforgery token");
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
        return await Http.PostAsync(new Uri("/signout", UriKind.Relative), content);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<form[^>]*action=\"/signout\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex SignOutForm();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
