using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>A person signed in over real HTTP to a real server (Kestrel or another process), with their cookies, for hubs and APIs.</summary>
public sealed partial class LiveClient : IDisposable
{
    private readonly CookieContainer _cookies;

    private LiveClient(Uri baseAddress, CookieContainer? cookies = null)
    {
        _cookies = cookies ?? new CookieContainer();
        BaseAddress = baseAddress;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = Waits.Request };
        Page = new PageClient(Http);
    }

    public Uri BaseAddress { get; }

    /// <summary>The same person, with the same cookies, talking to another node (as after a load balancer moved them).</summary>
    public LiveClient At(Uri node) => new(node, _cookies);

    /// <summary>Another computer holding a copy of this person's cookies as they are now (copied, not shared: what happens here later does not reach it).</summary>
    public LiveClient Copied()
    {
        var copy = new CookieContainer();
        copy.Add(_cookies.GetAllCookies());
        return new LiveClient(BaseAddress, copy);
    }

    public HttpClient Http { get; }

    public PageClient Page { get; }

    public static async Task<LiveClient> StaffAsync(Uri baseAddress, string email)
    {
        var client = new LiveClient(baseAddress);
        using var response = await client.Page.SignInAsStaffAsync(email, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Someone not (yet) signed in.</summary>
    public static Task<LiveClient> AnonymousAsync(Uri baseAddress) => Task.FromResult(new LiveClient(baseAddress));

    public static async Task<LiveClient> CandidateAsync(Uri baseAddress, string centreNumber, string candidateNumber)
    {
        var client = new LiveClient(baseAddress);
        using var response = await client.Page.SignInAsCandidateAsync(centreNumber, candidateNumber, Centres.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>A hub connection with this person's cookies, over WebSockets, not yet started.</summary>
    public HubConnection Hub(string path) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, path), options => options.Cookies = _cookies)
        .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), .. Enumerable.Repeat(TimeSpan.FromSeconds(5), 24)])
        .Build();

    /// <summary>The antiforgery token a page of the engine gives this person (in its data-token attribute).</summary>
    public async Task<string> TokenAsync(string tokenPage) => WebUtility.HtmlDecode(Token().Match(await Page.GetPageAsync(tokenPage)).Groups[1].Value);

    /// <summary>POSTs JSON to an API with an antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body, string token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", token);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex Token();
}
