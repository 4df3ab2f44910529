using System.Net;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

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
        await PageOutbox.CheckInAsync(page, sitting.Sitting.Id, sitting.Sitting.AccessCode!);

        using (var invigilator = await LiveClient.StaffAsync(node.BaseAddress, sitting.Invigilator.SignInName))
        {
            await using var hub = invigilator.Hub("/hubs/invigilation");
            await hub.StartAsync();
            await hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        }

        var outbox = await PageOutbox.StartAsync(page, attemptId);

        for (var item = 1; item <= 5; item++)
        {
            outbox.Flag(item, true);
        }

        Assert.Equal(HttpStatusCode.OK, await outbox.FlushAsync());
        Assert.Equal(0, outbox.Waiting);

        // The database goes away for 20 seconds; the candidate works on, and the page keeps trying.
        await cluster.StopAsync();
        var stopped = DateTime.UtcNow;
        using var health = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.GetAsync(() => Probe.StatusAsync(health, new Uri(node.BaseAddress, "/health")),
            status => status == HttpStatusCode.ServiceUnavailable, Waits.Settle, "the health turning 503");
        for (var item = 1; item <= 10; item++)
        {
            outbox.Flag(item, item % 2 == 0);
            await outbox.FlushAsync();
        }

        // Refused with a clear 503 while the database is away, never a 500.
        Assert.NotEmpty(outbox.Refusals);
        Assert.All(outbox.Refusals, refusal => Assert.True(refusal.Status == HttpStatusCode.ServiceUnavailable, $"{(int)refusal.Status}: {refusal.Body}"));
        Assert.All(outbox.Refusals, refusal => Assert.Contains("cannot reach its database", refusal.Body, StringComparison.Ordinal));
        Assert.NotEqual(0, outbox.Waiting);
        var left = TimeSpan.FromSeconds(20) - (DateTime.UtcNow - stopped);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        await cluster.StartAgainAsync();
        await Eventually.GetAsync(() => Probe.StatusAsync(health, new Uri(node.BaseAddress, "/health")),
            status => status == HttpStatusCode.OK, Waits.ProcessStart, "the health turning 200 again");
        await outbox.FlushUntilEmptyAsync(Waits.ProcessStart);

        // Every change stored once, and the attempt holds the last of each.
        var stored = await outbox.StoredSequencesAsync(cluster.ConnectionString);
        Assert.Equal(Enumerable.Range(1, (int)outbox.LastSequence).Select(s => (long)s), stored.Order());
        await using var engine = new EngineFactory(cluster.ConnectionString, roles: "web");
        await engine.StartedAsync();
        await using var query = engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var attempt = (await query.LoadAsync<Attempt>(attemptId))!;
        var flags = outbox.Expected.ToDictionary(e => attempt.Form!.Items[e.Key - 1].ItemId, e => e.Value);
        Assert.Equal(flags, attempt.Flags.ToDictionary(f => f.Key, f => f.Value.Flagged));
    }
}
