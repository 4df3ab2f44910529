using System.Net;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Faults;

/// <summary>
/// Two nodes joined by Redis behind a load balancer; the candidate's node is killed (SIGKILL) in the middle of the test.
/// The page reconnects to the other node, its clock has not moved, no change is lost or stored twice, and the
/// invigilator (on the surviving node) sees the candidate come back.
/// </summary>
public sealed class NodeKilledTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [FaultFact]
    public async Task A_node_killed_mid_sitting_loses_no_answer_and_the_candidate_carries_on_on_the_other()
    {
        SittingNow sitting;
        await using (var setup = new EngineFactory(database.ConnectionString, roles: "web"))
        {
            await setup.StartedAsync();
            sitting = await SittingNow.CreateAsync(setup.Services, TimeProvider.System, 1, "NKL");
        }

        using var redis = await RedisServer.StartAsync();
        var backplane = new Dictionary<string, string> { ["ConnectionStrings__Redis"] = redis.ConnectionString };
        using var nodeA = await EngineProcess.Start(database.ConnectionString, "web,worker", backplane).HealthyAsync();
        using var nodeB = await EngineProcess.Start(database.ConnectionString, "web", backplane).HealthyAsync();
        using var balancer = new SwitchingProxy(nodeA.BaseAddress, nodeB.BaseAddress);
        var candidate = sitting.Candidates[0];
        var attemptId = CheckIn.IdFor(sitting.Sitting.Id, candidate.Id);

        // The invigilator watches on B; the candidate goes through the load balancer, which puts them on A.
        using var invigilator = await LiveClient.StaffAsync(nodeB.BaseAddress, sitting.Invigilator.SignInName);
        await using var dashboard = invigilator.Hub("/hubs/invigilation");
        var rows = new List<DashboardRow>();
        dashboard.On<IReadOnlyList<DashboardRow>>("CandidatesChanged", changed => { lock (rows) { rows.AddRange(changed); } });
        await dashboard.StartAsync();
        await dashboard.InvokeAsync<Dashboard>("Watch", sitting.Sitting.Id);

        using var page = await LiveClient.CandidateAsync(balancer.BaseAddress, sitting.Centre.Number, candidate.CandidateNumber);
        await PageOutbox.CheckInAsync(page, sitting.Sitting.Id, sitting.Sitting.AccessCode!);

        await dashboard.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        var outbox = await PageOutbox.StartAsync(page, attemptId);

        await using var live = page.Hub("/hubs/candidate");
        var rejoined = new TaskCompletionSource<Clock>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Reconnected += async _ => rejoined.TrySetResult(await live.InvokeAsync<Clock>("Join", attemptId)); // as the page does
        await live.StartAsync();
        var before = await live.InvokeAsync<Clock>("Join", attemptId);

        for (var item = 1; item <= 5; item++)
        {
            outbox.Flag(item, true);
        }

        Assert.Equal(HttpStatusCode.OK, await outbox.FlushAsync());

        nodeA.KillHard();
        for (var item = 1; item <= 10; item++)
        {
            outbox.Flag(item, item % 3 == 0);
            await outbox.FlushAsync();
        }

        await outbox.FlushUntilEmptyAsync(Waits.ProcessStart);
        var after = await rejoined.Task.WaitAsync(Waits.ProcessStart);
        Assert.Equal(before.Deadline, after.Deadline); // the clock did not jump
        Assert.Equal("InProgress", after.Status);
        Assert.All(outbox.Refusals, refusal => Assert.True((int)refusal.Status < 500 || refusal.Status == HttpStatusCode.ServiceUnavailable, $"{(int)refusal.Status}: {refusal.Body}"));

        // Every change stored once, the attempt holds the last of each, and the candidate's return is recorded and shown.
        var stored = await outbox.StoredSequencesAsync(database.ConnectionString);
        Assert.Equal(Enumerable.Range(1, (int)outbox.LastSequence).Select(s => (long)s), stored.Order());
        await using var engine = new EngineFactory(database.ConnectionString, roles: "web");
        await engine.StartedAsync();
        await using var query = engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var attempt = (await query.LoadAsync<Attempt>(attemptId))!;
        Assert.Equal(outbox.Expected.ToDictionary(e => attempt.Form!.Items[e.Key - 1].ItemId, e => e.Value), attempt.Flags.ToDictionary(f => f.Key, f => f.Value.Flagged));
        var connections = (await query.Events.FetchStreamAsync(CandidatePresence.StreamFor(attemptId))).Select(e => e.Data).OfType<CandidateConnected>().Select(c => c.Node).ToList();
        Assert.True(connections.Distinct().Count() >= 2, $"connections recorded on: {string.Join(", ", connections)}");
        await Eventually.GetAsync(() => Task.FromResult(rows.Count(r => r.CandidateId == candidate.Id && r.Connected)), n => n > 0, Waits.Settle, "the reconnection on the dashboard");
    }
}
