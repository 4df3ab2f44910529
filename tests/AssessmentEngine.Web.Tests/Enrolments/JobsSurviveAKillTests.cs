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
        await using var engine = await new EngineFactory(database.ConnectionString, roles: "web").StartedAsync();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var centre = await Centres.CentreAsync(store, Random.Shared.Next(500000, 599999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var candidate = await Centres.CandidateAsync(store, centre, "KILL0001");

        // The worker runs (and has taken its share of the queue) before the job exists. However long a busy machine
        // takes to start it, the job is scheduled only once it is up, and falls due only after it has been killed.
        var enrolmentId = Guid.CreateVersion7();
        DateTimeOffset closes;
        using (var first = await EngineProcess.Start(database.ConnectionString, "web,worker").HealthyAsync())
        {
            closes = DateTimeOffset.UtcNow.AddSeconds(20);
            await using (var session = store.LightweightSession())
            {
                // A window at its very end: the facts a six-week window reaches on its last day, closing in 20 seconds.
                session.Events.StartStream<Enrolment>(enrolmentId,
                    new CandidateEnrolled(enrolmentId, candidate.Id, centre.Id, "FE6V 35", 6, "test", DateTimeOffset.UtcNow),
                    new WindowAgreed(enrolmentId, DateOnly.FromDateTime(closes.UtcDateTime.AddDays(-41)), closes.AddDays(-42).AddSeconds(1), closes, "test", "test", DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            engine.Services.GetRequiredService<IBackgroundJobClient>().Schedule<CloseWindowsJob>(job => job.CloseAsync(enrolmentId, CancellationToken.None), closes);
            first.KillHard();
            Assert.True(DateTimeOffset.UtcNow < closes, "the worker was killed before the job fell due");
        }

        Assert.Equal(0, await ClosedEvents(enrolmentId));
        var untilDue = closes - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (untilDue > TimeSpan.Zero)
        {
            await Task.Delay(untilDue); // the job falls due while no worker runs
        }

        Assert.Equal(0, await ClosedEvents(enrolmentId));
        using var second = await EngineProcess.Start(database.ConnectionString, "web,worker").HealthyAsync();
        await Eventually.GetAsync(() => ClosedEvents(enrolmentId), count => count >= 1, Waits.Settle, "the window's close after the restart");
        // The minutely sweep may close the window first; the job itself runs once the killed worker's locks are taken as
        // abandoned (a minute) and the poller moves it.
        await Eventually.GetAsync(() => JobState(enrolmentId), state => state == "Succeeded", Waits.ProcessStart, "the close job's success");
        Assert.Equal(1, await ClosedEvents(enrolmentId));
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
