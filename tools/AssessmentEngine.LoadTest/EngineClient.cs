using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;

namespace AssessmentEngine.LoadTest;

/// <summary>One person's browser: their own cookies and connections, the engine's forms with their antiforgery tokens, its JSON APIs and hubs.</summary>
public sealed partial class EngineClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly CookieContainer _cookies = new();

    public EngineClient(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        var handler = new SocketsHttpHandler { CookieContainer = _cookies, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        Http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public async Task SignInAsCandidateAsync(string centreNumber, string candidateNumber, string password, CancellationToken cancellationToken)
    {
        using var response = await PostFormAsync("/signin", "/signin?handler=Candidate",
            [new("centreNumber", centreNumber), new("candidateNumber", candidateNumber), new("secret", password)], cancellationToken);
        Expect(response, HttpStatusCode.Redirect, $"sign-in of candidate {candidateNumber}");
    }

    public async Task SignInAsStaffAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await PostFormAsync("/signin", "/signin?handler=Staff", [new("email", email), new("password", password)], cancellationToken);
        Expect(response, HttpStatusCode.Redirect, $"sign-in of {email}");
    }

    /// <summary>Posts a form as the page at <paramref name="pagePath"/> would, with the antiforgery token it carries; the redirect's target.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var page = await GetPageAsync(pagePath, cancellationToken);
        var token = FormToken().Match(page);
        if (!token.Success)
        {
            throw new LoadException($"no antiforgery token on {pagePath}");
        }

        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))));
        return await Http.PostAsync(new Uri(action, UriKind.Relative), content, cancellationToken);
    }

    public async Task<string> GetPageAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Expect(response, HttpStatusCode.OK, $"GET {path}", body);
        return body;
    }

    /// <summary>The token a page gives its scripts (data-token), sent with every JSON post.</summary>
    public async Task<string> ScriptTokenAsync(string path, CancellationToken cancellationToken)
    {
        var match = ScriptToken().Match(await GetPageAsync(path, cancellationToken));
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new LoadException($"no data-token on {path}");
    }

    public async Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Expect(response, HttpStatusCode.OK, $"GET {path}", await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new LoadException($"GET {path} answered no body");
    }

    public async Task<T> PostJsonAsync<T>(string path, object body, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Add("RequestVerificationToken", token);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Expect(response, HttpStatusCode.OK, $"POST {path}", await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new LoadException($"POST {path} answered no body");
    }

    /// <summary>A hub connection with this person's cookies over WebSockets, reconnecting as the pages do; not yet started.</summary>
    public HubConnection Hub(string path) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, path), options =>
        {
            options.Cookies = _cookies;
            options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        })
        .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)])
        .WithServerTimeout(TimeSpan.FromSeconds(60))
        .Build();

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string what, string? body = null)
    {
        if (response.StatusCode != status)
        {
            var detail = body is null ? "" : ": " + body[..Math.Min(body.Length, 300)].ReplaceLineEndings(" ");
            throw new LoadException($"{what} answered {(int)response.StatusCode} (expected {(int)status}){detail}");
        }
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex ScriptToken();
}

/// <summary>The engine answered something a browser would not have expected.</summary>
public sealed class LoadException(string message) : Exception(message);
