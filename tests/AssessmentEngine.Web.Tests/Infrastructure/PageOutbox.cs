using System.Net;
using System.Text.Json.Nodes;
using AssessmentEngine.LoadTest;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// What the test page does with changes, for tests without a browser: each change gets the next sequence number and
/// stays in the outbox until the engine acknowledges it; a failed send (a dead node, a database away) is sent again.
/// The changes are flags, which every kind of question takes. The outbox itself is the load tool's (one copy).
/// </summary>
public sealed class PageOutbox(LiveClient page, Guid attemptId, string pageId, string token)
{
    private readonly AnswerOutbox<bool> _outbox = new();

    public long LastSequence => _outbox.LastSequence;

    /// <summary>The candidate enters the sitting's access code (the invigilator admits them next).</summary>
    public static async Task CheckInAsync(LiveClient page, Guid sittingId, string accessCode)
    {
        using var checkedIn = await page.Page.PostFormAsync($"/candidate/sittings/{sittingId}", $"/candidate/sittings/{sittingId}", [new("accessCode", accessCode)]);
        Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
    }

    /// <summary>The admitted candidate starts and the test page opens, as a browser would: the outbox of that page.</summary>
    public static async Task<PageOutbox> StartAsync(LiveClient page, Guid attemptId)
    {
        using (var started = await page.Page.PostFormAsync($"/candidate/attempts/{attemptId}", $"/candidate/attempts/{attemptId}?handler=Start", []))
        {
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        }

        var token = await page.TokenAsync($"/candidate/attempts/{attemptId}/test");
        var pageId = Guid.NewGuid().ToString("N");
        using (var opened = await page.PostJsonAsync($"/api/attempts/{attemptId}/open", new { page = pageId }, token))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        return new PageOutbox(page, attemptId, pageId, token);
    }

    public int Waiting => _outbox.Count;

    /// <summary>The last flag given to each question, by question number.</summary>
    public Dictionary<int, bool> Expected { get; } = [];

    /// <summary>What the engine answered that was not an acknowledgement (status and body), for the test to judge.</summary>
    public List<(HttpStatusCode Status, string Body)> Refusals { get; } = [];

    public void Flag(int item, bool flagged)
    {
        _outbox.Add(item, flagged);
        Expected[item] = flagged;
    }

    /// <summary>Sends everything waiting; returns the status, or BadGateway when the connection itself failed.</summary>
    public async Task<HttpStatusCode> FlushAsync()
    {
        try
        {
            using var response = await page.PostJsonAsync($"/api/attempts/{attemptId}/answers",
                new { page = pageId, changes = _outbox.Batch().Select(c => new { sequence = c.Sequence, item = c.Item, flagged = c.Change }).ToList() }, token);
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var answer = JsonNode.Parse(body)!;
                _outbox.Settle(answer["acknowledged"]!.AsArray().Select(s => s!.GetValue<long>()),
                    answer["refused"]?.AsArray().Select(r => r!["sequence"]!.GetValue<long>()) ?? []);
            }
            else
            {
                Refusals.Add((response.StatusCode, body));
            }

            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.BadGateway;
        }
    }

    public Task FlushUntilEmptyAsync(TimeSpan within) =>
        Eventually.GetAsync(async () => { await FlushAsync(); return _outbox.Count; }, count => count == 0, within, "the outbox emptied");

    /// <summary>The sequence numbers of the flags the event store holds for the attempt, as stored (duplicates would show).</summary>
    public async Task<List<long>> StoredSequencesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select (data->>'sequence')::bigint from ae.mt_events where stream_id = @id and type = 'item_flagged'", connection);
        command.Parameters.AddWithValue("id", attemptId);
        var stored = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetInt64(0));
        }

        return stored;
    }
}
