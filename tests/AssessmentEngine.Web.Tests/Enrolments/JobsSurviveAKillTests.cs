using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Tests.Infrastructure;
using Hangfire;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Enrolments;

/// <summary>A real worker process, killed with SIGKILL while a window's close job is pending, and started again after it fell due.</summary>
public sealed class JobsSurviveAKillTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_close_job_that_fell_due_while_the_worker_was_killed_runs_once_when_it_starts_again()
    {
        Guid enrolmentId;
        DateTimeOffset closes;
        await using (var engine = await new EngineFactory(database.ConnectionString, roles: "web").StartedAsync())
        {
            var store = engine.Services.GetRequiredService<IDocumentStore>();
            var centre = await Centres.CentreAsync(store, Random.Shared.Next(500000, 599999).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var candidate = await Centres.CandidateAsync(store, centre, "KILL0001");
            enrolmentId = Guid.CreateVersion7();
            closes = DateTimeOffset.UtcNow.AddSeconds(25);
            await using (var session = store.LightweightSession())
            {
                // A window at its very end: the facts a six-week window reaches on its last day, closing in 25 seconds.
                session.Events.StartStream<Enrolment>(enrolmentId,
                    new CandidateEnrolled(enrolmentId, candidate.Id, centre.Id, "FE6V 35", 6, "test", DateTimeOffset.UtcNow),
                    new WindowAgreed(enrolmentId, DateOnly.FromDateTime(closes.UtcDateTime.AddDays(-41)), closes.AddDays(-42).AddSeconds(1), closes, "test", "test", DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            engine.Services.GetRequiredService<IBackgroundJobClient>().Schedule<CloseWindowsJob>(job => job.CloseAsync(enrolmentId, CancellationToken.None), closes);
        }

        using (var first = EngineProcess.Start(database.ConnectionString, "web,worker"))
        {
            await first.HealthyAsync();
            first.KillHard();
        }

        Assert.Equal(0, await ClosedEvents(enrolmentId));
        var untilDue = closes - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (untilDue > TimeSpan.Zero)
        {
            await Task.Delay(untilDue); // the job falls due while no worker runs
        }

        using var second = EngineProcess.Start(database.ConnectionString, "web,worker");
        await second.HealthyAsync();
        await Eventually.GetAsync(() => ClosedEvents(enrolmentId), count => count >= 1, TimeSpan.FromSeconds(60), "the window's close after the restart");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await ClosedEvents(enrolmentId));
        Assert.Equal("Succeeded", await JobState(enrolmentId));
    }

    private async Task<int> ClosedEvents(Guid enrolmentId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ae.mt_events where stream_id = @id and type = 'window_closed'", connection);
        command.Parameters.AddWithValue("id", enrolmentId);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string?> JobState(Guid enrolmentId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select statename from hangfire.job where arguments::text like @id order by id desc limit 1", connection);
        command.Parameters.AddWithValue("id", $"%{enrolmentId}%");
        return (string?)await command.ExecuteScalarAsync();
    }
}
