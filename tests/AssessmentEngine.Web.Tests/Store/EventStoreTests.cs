using AssessmentEngine.Web.Tests.Infrastructure;
using Marten.Events.Daemon.Coordination;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using JasperFx;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Store;

// Events and a projection that exist only to exercise the store's configuration against the real database.
public sealed record TallyOpened(Guid TallyId, string Name, DateTimeOffset OpenedAt);

public sealed record TallyIncremented(Guid TallyId, int By, DateTimeOffset IncrementedAt);

public sealed record Tally(Guid Id, string Name, int Total);

public sealed class TallyProjection : SingleStreamProjection<Tally, Guid>
{
    public static Tally Create(TallyOpened opened) => new(opened.TallyId, opened.Name, 0);

    public static Tally Apply(TallyIncremented incremented, Tally tally) => tally with { Total = tally.Total + incremented.By };
}

public sealed record TallyReport(Guid Id, int Increments);

public sealed class TallyReportProjection : SingleStreamProjection<TallyReport, Guid>
{
    public static TallyReport Create(TallyOpened opened) => new(opened.TallyId, 0);

    public static TallyReport Apply(TallyIncremented incremented, TallyReport report) => report with { Increments = report.Increments + 1 };
}

public sealed class EventStoreTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private EngineFactory Engine(string roles = "web,worker") =>
        new EngineFactory(database.ConnectionString, roles).WithServices(services => services.ConfigureMarten(options =>
        {
            options.Projections.Add<TallyProjection>(ProjectionLifecycle.Inline);
            options.Projections.Add<TallyReportProjection>(ProjectionLifecycle.Async);
        }));

    private async Task<EngineFactory> StartedEngine(string roles = "web,worker") => await Engine(roles).StartedAsync();

    [Fact]
    public async Task Appended_events_are_stored_and_read_back_through_an_inline_projection()
    {
        await using var engine = await StartedEngine();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(id, new TallyOpened(id, "first", now), new TallyIncremented(id, 2, now));
            session.Events.Append(id, new TallyIncremented(id, 3, now));
            await session.SaveChangesAsync();
        }

        await using var query = store.QuerySession();
        Assert.Equal(new Tally(id, "first", 5), await query.LoadAsync<Tally>(id));
        var events = await query.Events.FetchStreamAsync(id);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.IsType<TallyIncremented>(events[^1].Data);

        // The events are rows in PostgreSQL, in the engine's own schema.
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from ae.mt_events where stream_id = @id", connection);
        count.Parameters.AddWithValue("id", id);
        Assert.Equal(3L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Writing_to_a_stream_that_moved_on_since_it_was_read_is_refused()
    {
        await using var engine = await StartedEngine();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(id, new TallyOpened(id, "contested", now));
            await session.SaveChangesAsync();
        }

        await using var first = store.LightweightSession();
        await using var second = store.LightweightSession();
        var firstStream = await first.Events.FetchForWriting<Tally>(id);
        var secondStream = await second.Events.FetchForWriting<Tally>(id);
        firstStream.AppendOne(new TallyIncremented(id, 1, now));
        secondStream.AppendOne(new TallyIncremented(id, 10, now));
        await first.SaveChangesAsync();

        await Assert.ThrowsAnyAsync<ConcurrencyException>(() => second.SaveChangesAsync());
        await using var query = store.QuerySession();
        Assert.Equal(1, (await query.LoadAsync<Tally>(id))!.Total);
    }

    [Fact]
    public async Task A_worker_node_runs_async_projections_and_a_web_only_node_does_not()
    {
        await using (var webOnly = Engine("web"))
        {
            Assert.Null(webOnly.Services.GetService<IProjectionCoordinator>());
        }

        await using var worker = await StartedEngine("web,worker");
        Assert.NotNull(worker.Services.GetService<IProjectionCoordinator>());
        var store = worker.Services.GetRequiredService<IDocumentStore>();
        _ = worker.CreateClient(); // starts the host, and with it the daemon
        var id = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(id, new TallyOpened(id, "async", now), new TallyIncremented(id, 1, now), new TallyIncremented(id, 1, now));
            await session.SaveChangesAsync();
        }

        var report = await Eventually.GetAsync(
            async () => { await using var q = store.QuerySession(); return await q.LoadAsync<TallyReport>(id); },
            r => r is not null, what: "the async projection");
        Assert.Equal(2, report!.Increments);
    }
}
