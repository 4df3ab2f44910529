using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>The tus 1.0 calls a browser's upload client makes, over a signed-in client, with the brief page's token.</summary>
public sealed partial class TusClient(HttpClient http, string token)
{
    public const string Endpoint = "/api/evidence/uploads";

    /// <summary>The antiforgery token a brief's page hands its upload script.</summary>
    public static async Task<TusClient> ForPageAsync(HttpClient http, string briefPage)
    {
        var page = await http.GetStringAsync(new Uri(briefPage, UriKind.Relative));
        var token = DataToken().Match(page);
        Assert.True(token.Success, $"no upload token on {briefPage}");
        return new TusClient(http, WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    public async Task<HttpResponseMessage> CreateAsync(string fileName, long length, Guid enrolmentId, string briefId)
    {
        using var request = Request(HttpMethod.Post, Endpoint);
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata",
            $"filename {B64(fileName)},enrolment {B64(enrolmentId.ToString())},brief {B64(briefId)}");
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PatchAsync(string location, long offset, ReadOnlyMemory<byte> piece)
    {
        using var request = Request(HttpMethod.Patch, location);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new ReadOnlyMemoryContent(piece);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return await http.SendAsync(request);
    }

    public async Task<long?> OffsetAsync(string location)
    {
        using var request = Request(HttpMethod.Head, location);
        using var response = await http.SendAsync(request);
        return response.Headers.TryGetValues("Upload-Offset", out var values) ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Creates an upload and sends the file in pieces; the last response (or the first refusal).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string fileName, byte[] file, Guid enrolmentId, string briefId, int pieceBytes = 4 << 20)
    {
        var created = await CreateAsync(fileName, file.Length, enrolmentId, briefId);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return created;
        }

        var location = created.Headers.Location!.ToString();
        HttpResponseMessage? last = null;
        for (var offset = 0; offset < file.Length; offset += pieceBytes)
        {
            last?.Dispose();
            last = await PatchAsync(location, offset, file.AsMemory(offset, Math.Min(pieceBytes, file.Length - offset)));
            if (!last.IsSuccessStatusCode)
            {
                return last;
            }
        }

        return last!;
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("RequestVerificationToken", token);
        return request;
    }

    private static string B64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex DataToken();
}
