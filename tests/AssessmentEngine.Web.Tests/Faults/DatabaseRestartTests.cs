using System.Net;
using System.Text.Json.Nodes;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Faults;

/// <summary>
/// PostgreSQL stopped for 20 seconds in the middle of a sitting: the node answers 503 (never a 500) and its health turns
/// 503; the candidate's changes wait in an outbox, as the test page keeps them, and when the database is back every one
/// is stored, none twice.
/// </summary>
public sealed class DatabaseRestartTests
{
    [FaultFact]
    public async Task A_database_restart_mid_sitting_loses_no_answer_and_stores_none_twice()
    {
        await using var cluster = await PrivateCluster.StartAsync();
        SittingNow sitting;
        await using (var setup = new EngineFactory(cluster.ConnectionString, roles: "web"))
        {
            await setup.StartedAsync();
            sitting = await SittingNow.CreateAsync(setup.Services, TimeProvider.System, 1, "DBR");
        }

        using var node = await EngineProcess.Start(cluster.ConnectionString, "web,worker").HealthyAsync();
        var candidate = sitting.Candidates[0];
        var attemptId = CheckIn.IdFor(sitting.Sitting.Id, candidate.Id);
        using var page = await LiveClient.CandidateAsync(node.BaseAddress, sitting.Centre.Number, candidate.CandidateNumber);
        using (var checkedIn = await page.Page.PostFormAsync($"/candidate/sittings/{sitting.Sitting.Id}", $"/candidate/sittings/{sitting.Sitting.Id}", [new("accessCode", sitting.Sitting.AccessCode!)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
        }

        using (var invigilator = await LiveClient.StaffAsync(node.BaseAddress, sitting.Invigilator.SignInName))
        {
            await using var hub = invigilator.Hub("/hubs/invigilation");
            await hub.StartAsync();
            await hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        }

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

        // The page's outbox: a change leaves it only when the engine acknowledges it.
        var outbox = new SortedDictionary<long, (int Item, bool Flagged)>();
        var expected = new Dictionary<int, bool>();
        long sequence = 0;
        void Change(int item, bool flagged)
        {
            outbox[++sequence] = (item, flagged);
            expected[item] = flagged;
        }

        async Task<HttpStatusCode> FlushAsync()
        {
            try
            {
                using var response = await page.PostJsonAsync($"/api/attempts/{attemptId}/answers",
                    new { page = pageId, changes = outbox.Select(c => new { sequence = c.Key, item = c.Value.Item, flagged = c.Value.Flagged }).ToList() }, token);
                if (response.IsSuccessStatusCode)
                {
                    var acknowledged = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["acknowledged"]!.AsArray().Select(s => s!.GetValue<long>());
                    foreach (var done in acknowledged)
                    {
                        outbox.Remove(done);
                    }
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    Assert.Contains("cannot reach its database", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }

                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.BadGateway;
            }
        }

        for (var item = 1; item <= 5; item++)
        {
            Change(item, true);
        }

        Assert.Equal(HttpStatusCode.OK, await FlushAsync());
        Assert.Empty(outbox);

        // The database goes away for 20 seconds; the candidate works on, and the page keeps trying.
        await cluster.StopAsync();
        var stopped = DateTime.UtcNow;
        using var health = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.GetAsync(async () => (await health.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "the health turning 503");
        var refusals = 0;
        for (var item = 1; item <= 10; item++)
        {
            Change(item, item % 2 == 0);
            refusals += await FlushAsync() == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        Assert.True(refusals > 0, "no save was refused while the database was down");
        Assert.NotEmpty(outbox);
        var left = TimeSpan.FromSeconds(20) - (DateTime.UtcNow - stopped);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        await cluster.StartAgainAsync();
        await Eventually.GetAsync(async () => (await health.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the health turning 200 again");
        await Eventually.GetAsync(async () => { await FlushAsync(); return outbox.Count; }, count => count == 0, TimeSpan.FromSeconds(60), "the outbox emptied");

        // Every change stored once, and the attempt holds the last of each.
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select (data->>'sequence')::bigint from ae.mt_events where stream_id = @id and type = 'item_flagged'", connection);
        command.Parameters.AddWithValue("id", attemptId);
        var stored = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(Enumerable.Range(1, (int)sequence).Select(s => (long)s), stored.Order());
        await using var engine = new EngineFactory(cluster.ConnectionString, roles: "web");
        await engine.StartedAsync();
        await using var query = engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var attempt = (await query.LoadAsync<Attempt>(attemptId))!;
        var flags = expected.ToDictionary(e => attempt.Form!.Items[e.Key - 1].ItemId, e => e.Value);
        Assert.Equal(flags, attempt.Flags.ToDictionary(f => f.Key, f => f.Value.Flagged));
    }
}
