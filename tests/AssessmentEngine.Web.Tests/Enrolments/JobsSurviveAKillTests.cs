using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
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

        using (var first = Worker.Start(database.ConnectionString))
        {
            await first.WaitHealthyAsync();
            first.KillHard();
        }

        Assert.Equal(0, await ClosedEvents(enrolmentId));
        var untilDue = closes - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (untilDue > TimeSpan.Zero)
        {
            await Task.Delay(untilDue); // the job falls due while no worker runs
        }

        using var second = Worker.Start(database.ConnectionString);
        await second.WaitHealthyAsync();
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

    /// <summary>The engine as its own process (the built AssessmentEngine.Web.dll), as a worker node.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly int _port;

        private Worker(Process process, int port) => (_process, _port) = (process, port);

        public static Worker Start(string connectionString)
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
            var folder = Path.Combine(BankFolder.RepositoryRoot, "src", "AssessmentEngine.Web", "bin", configuration, "net10.0");
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "AssessmentEngine.Web.dll"), "--urls", $"http://127.0.0.1:{port}"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ConnectionStrings__Postgres"] = connectionString;
            start.Environment["Node__Roles"] = "web,worker";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            var process = Process.Start(start) ?? throw new InvalidOperationException("the engine did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Worker(process, port);
        }

        public async Task WaitHealthyAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.GetAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_port}/health"));
                    return response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the worker's health");
        }

        /// <summary>SIGKILL: no shutdown, no goodbye to the job server.</summary>
        public void KillHard()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                KillHard();
            }

            _process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
