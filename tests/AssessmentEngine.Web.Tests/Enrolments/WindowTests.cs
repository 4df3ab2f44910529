using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Starting;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static System.Globalization.CultureInfo;

namespace AssessmentEngine.Web.Tests.Enrolments;

/// <summary>Windows, their jobs and booking, on a fake clock against the real database.</summary>
public sealed class WindowTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2027-02-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;
    private Guid _invigilator;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(400000, 499999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _invigilator = (await Centres.StaffAsync(_store, _centre, $"inv{_centre.Number}@example.org", Role.Invigilator)).Id;
        await using var query = _store.QuerySession();
        if (await query.LoadAsync<BankUnit>("FE6V 35") is null)
        {
            var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank", "fe6v35")], BankFolder.RepositoryRoot);
            await ImportItemBank.RunAsync(_store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        }
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<(Candidate Candidate, Enrolment Enrolment)> EnrolledAsync(string number, int extraTime = 0, DateOnly? start = null)
    {
        var candidate = await Centres.CandidateAsync(_store, _centre, number, new Adjustments(ExtraTimePercent: extraTime));
        await Service<EnrolCandidates>().HandleAsync(_centre.Id, "FE6V 35", [candidate.Id], Officer);
        await using var query = _store.QuerySession();
        var enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id);
        if (start is { } day)
        {
            enrolment = await Service<AgreeWindow>().HandleAsync(_centre.Id, enrolment.Id, day, "Ann Assessor and the candidate", Officer);
        }

        return (candidate, enrolment);
    }

    private Task<long> EventsOf(Guid stream, string type) => StoredEvents.CountAsync(database.ConnectionString, stream, type);

    [Fact]
    public async Task Agreeing_a_window_schedules_its_close_as_a_persisted_job_at_the_exact_time()
    {
        var (_, enrolment) = await EnrolledAsync("WIN0001", start: new DateOnly(2027, 3, 1));

        Assert.Equal(DateTimeOffset.Parse("2027-04-11T22:59:59Z", System.Globalization.CultureInfo.InvariantCulture), enrolment.Window!.Closes.ToUniversalTime());
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from hangfire.job where statename = 'Scheduled' and invocationdata::text like '%CloseAsync%' and arguments::text like @id", connection);
        command.Parameters.AddWithValue("id", $"%{enrolment.Id}%");
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_window_closes_once_even_when_the_scheduled_job_and_the_sweep_both_run()
    {
        var (_, enrolment) = await EnrolledAsync("WIN0002", start: new DateOnly(2027, 3, 1));
        var job = Service<CloseWindowsJob>();

        await job.CloseAsync(enrolment.Id, CancellationToken.None);
        Assert.Equal(0, await EventsOf(enrolment.Id, "window_closed")); // not due yet

        _clock.SetUtcNow(enrolment.Window!.Closes.AddSeconds(1));
        await Task.WhenAll(job.CloseAsync(enrolment.Id, CancellationToken.None), Service<CloseWindowsJob>().SweepAsync(CancellationToken.None));
        await job.CloseAsync(enrolment.Id, CancellationToken.None);
        await Service<CloseWindowsJob>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, await EventsOf(enrolment.Id, "window_closed"));
    }

    [Fact]
    public async Task An_extension_needs_a_reason_and_moves_the_close_and_nothing_is_written_when_refused()
    {
        var (_, enrolment) = await EnrolledAsync("WIN0003", start: new DateOnly(2027, 3, 1));
        var extending = Service<ExtendWindow>();

        var refusal = await Assert.ThrowsAsync<RefusedException>(() => extending.HandleAsync(_centre.Id, enrolment.Id, new DateOnly(2027, 4, 25), " ", Officer));
        Assert.Contains("reason", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await EventsOf(enrolment.Id, "window_extended"));

        var extended = await extending.HandleAsync(_centre.Id, enrolment.Id, new DateOnly(2027, 4, 25), "25 % extra time agreed late", Officer);
        Assert.Equal(new DateTime(2027, 4, 25, 23, 59, 59), TimeZoneInfo.ConvertTime(extended.Window!.Closes, _centre.Zone).DateTime);

        // The job scheduled for the old close finds the window still open and does nothing.
        _clock.SetUtcNow(enrolment.Window!.Closes.AddMinutes(1));
        await Service<CloseWindowsJob>().CloseAsync(enrolment.Id, CancellationToken.None);
        Assert.Equal(0, await EventsOf(enrolment.Id, "window_closed"));
    }

    [Fact]
    public async Task Booking_outside_the_window_is_refused_naming_the_candidate_and_the_window_and_nothing_is_written()
    {
        var (inside, _) = await EnrolledAsync("WIN0010", start: new DateOnly(2027, 3, 1));
        var (late, _) = await EnrolledAsync("WIN0011", start: new DateOnly(2027, 1, 20));
        var booking = Service<BookCandidates>();
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, "FE6V 35", "Room 4", DateTimeOffset.Parse("2027-03-10T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 60, [_invigilator], Officer);

        var refusal = await Assert.ThrowsAsync<RefusedException>(() => booking.HandleAsync(_centre.Id, sitting.Id, [inside.Id, late.Id], Officer));

        Assert.StartsWith("Nobody was booked.", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"{late.Name} ({late.CandidateNumber}) cannot be booked: their window for FE6V 35 runs from Wed 20 Jan 2027 00:00 to Tue 2 Mar 2027 23:59", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, await EventsOf(sitting.Id, "candidate_booked"));

        Assert.Equal(1, await booking.HandleAsync(_centre.Id, sitting.Id, [inside.Id], Officer));
        Assert.Equal(0, await booking.HandleAsync(_centre.Id, sitting.Id, [inside.Id], Officer)); // booking twice changes nothing
    }

    [Fact]
    public async Task Extra_time_that_would_run_past_the_window_refuses_the_booking()
    {
        var (slow, _) = await EnrolledAsync("WIN0020", extraTime: 50, start: new DateOnly(2027, 1, 26));
        var booking = Service<BookCandidates>();
        // The window ends 8 March 23:59:59; a 60-minute sitting at 23:00 ends 23:59 on time but 00:29 with 50 % extra time.
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, "FE6V 35", "Hall", DateTimeOffset.Parse("2027-03-08T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 59, [_invigilator], Officer);

        var refusal = await Assert.ThrowsAsync<RefusedException>(() => booking.HandleAsync(_centre.Id, sitting.Id, [slow.Id], Officer));
        Assert.Contains("with their 50 % extra time", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_candidate_without_an_agreed_window_cannot_be_booked()
    {
        var (candidate, _) = await EnrolledAsync("WIN0030");
        var booking = Service<BookCandidates>();
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, "FE6V 35", "Room 1", DateTimeOffset.Parse("2027-03-10T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 60, [_invigilator], Officer);

        var refusal = await Assert.ThrowsAsync<RefusedException>(() => booking.HandleAsync(_centre.Id, sitting.Id, [candidate.Id], Officer));
        Assert.Contains("has no agreed window for FE6V 35 yet", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reminders_go_7_days_and_1_day_before_the_close_once_each()
    {
        var (_, enrolment) = await EnrolledAsync("WIN0040", start: new DateOnly(2027, 3, 1));
        var job = Service<WindowRemindersJob>();
        var closes = enrolment.Window!.Closes;

        _clock.SetUtcNow(closes.AddDays(-8));
        Assert.Equal(0, await Written(job));
        _clock.SetUtcNow(closes.AddDays(-7).AddMinutes(1));
        await Written(job);
        await Written(job);
        _clock.SetUtcNow(closes.AddHours(-23));
        await Written(job);
        await Written(job);

        await using var query = _store.QuerySession();
        var notes = await query.Query<Notification>().Where(n => n.CandidateId == enrolment.CandidateId).OrderBy(n => n.CreatedAt).ToListAsync();
        Assert.Equal(["Your assessment window for FE6V 35 closes in 7 day(s)", "Your assessment window for FE6V 35 closes in 23 hour(s)"], notes.Select(n => n.Subject));
        Assert.Contains("23:59 on Sunday 11 April 2027", notes[0].Body, StringComparison.Ordinal);

        static async Task<int> Written(WindowRemindersJob job) => await job.RunAsync(CancellationToken.None);
    }

    private async Task<(Candidate Candidate, Enrolment Enrolment, Sitting Sitting)> BookedAsync(string number, DateOnly start, string sittingStartsUtc, Sitting? into = null)
    {
        var (candidate, enrolment) = await EnrolledAsync(number, start: start);
        var booking = Service<BookCandidates>();
        var sitting = into ?? await Service<ScheduleSitting>().HandleAsync(_centre.Id, "FE6V 35", "Room 2", DateTimeOffset.Parse(sittingStartsUtc, InvariantCulture), 60, [_invigilator], Officer);
        await booking.HandleAsync(_centre.Id, sitting.Id, [candidate.Id], Officer);
        return (candidate, enrolment, sitting);
    }

    private async Task<IReadOnlyList<string>> SubmissionReasonsOf(Guid attemptId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select data->>'reason' from ae.mt_events where stream_id = @id and type = 'attempt_submitted' order by seq_id", connection);
        command.Parameters.AddWithValue("id", attemptId);
        var reasons = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            reasons.Add(reader.GetString(0));
        }

        return reasons;
    }

    [Fact]
    public async Task A_window_closing_with_an_attempt_under_way_submits_it_once_even_when_the_sweep_and_the_scheduled_job_both_run()
    {
        // Window 1 March – 11 April 2027 (BST from 28 March): closes 22:59:59 UTC. A sitting that evening, the candidate admitted late.
        var (candidate, enrolment, sitting) = await BookedAsync("WIN0050", new DateOnly(2027, 3, 1), "2027-04-11T21:30:00Z");
        _clock.SetUtcNow(DateTimeOffset.Parse("2027-04-11T22:30:00Z", InvariantCulture));
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        Assert.True(attempt.InProgress);
        Assert.True(attempt.Deadline > enrolment.Window!.Closes); // time-up would come after the close

        _clock.SetUtcNow(enrolment.Window.Closes.AddSeconds(1));
        await Task.WhenAll(
            Service<CloseWindowsJob>().CloseAsync(enrolment.Id, CancellationToken.None),
            Service<CloseWindowsJob>().SweepAsync(CancellationToken.None),
            Service<CloseWindowsJob>().CloseAsync(enrolment.Id, CancellationToken.None));
        await Service<CloseWindowsJob>().SweepAsync(CancellationToken.None);
        _clock.SetUtcNow(attempt.Deadline!.Value.AddMinutes(1));
        await Service<SubmitAtTimeUpJob>().RunAsync(attempt.Id, CancellationToken.None);

        Assert.Equal(1, await EventsOf(enrolment.Id, "window_closed"));
        Assert.Equal([SubmissionReasons.WindowClosed], await SubmissionReasonsOf(attempt.Id));
        await using var query = _store.QuerySession();
        var stored = await query.LoadAsync<Attempt>(attempt.Id);
        Assert.Equal(AttemptStatus.Submitted, stored!.Status);
        Assert.Equal(enrolment.Window.Closes.AddSeconds(1), stored.SubmittedAt);
    }

    [Fact]
    public async Task Checking_in_before_the_window_opens_or_starting_after_it_closes_is_refused_and_nothing_is_written()
    {
        // A sitting at half past midnight on the window's first day: check-in opens an hour before, while the window is not yet open.
        var (candidate, _, sitting) = await BookedAsync("WIN0060", new DateOnly(2027, 3, 1), "2027-03-01T00:30:00Z");

        _clock.SetUtcNow(DateTimeOffset.Parse("2027-02-28T23:45:00Z", InvariantCulture));
        var early = await Assert.ThrowsAsync<RefusedException>(() => AttemptBuilder.CheckedInAsync(_engine.Services, sitting, candidate));
        Assert.Equal($"{candidate.Name} (WIN0060) cannot start: their window for FE6V 35 runs from Mon 1 Mar 2027 00:00 to Sun 11 Apr 2027 23:59 and has not opened yet.", early.Message);
        Assert.Equal(0, await EventsOf(CheckIn.IdFor(sitting.Id, candidate.Id), "candidate_checked_in"));

        _clock.SetUtcNow(sitting.StartsAt);
        var admitted = await AttemptBuilder.AdmittedAsync(_engine.Services, sitting, candidate);
        _clock.SetUtcNow(DateTimeOffset.Parse("2027-04-11T23:00:00Z", InvariantCulture)); // 00:00 BST on the 12th: the sweep has not run yet
        var late = await Assert.ThrowsAsync<RefusedException>(() => Service<StartAttempt>().HandleAsync(admitted, "candidate"));
        Assert.EndsWith("and has closed.", late.Message, StringComparison.Ordinal);
        Assert.Equal(0, await EventsOf(admitted.Id, "attempt_started"));
    }

    [Fact]
    public async Task Time_up_on_a_hard_limit_submits_once_at_the_deadline_and_a_job_that_runs_early_waits()
    {
        var (candidate, _, sitting) = await BookedAsync("WIN0070", new DateOnly(2027, 3, 1), "2027-03-10T10:00:00Z");
        _clock.SetUtcNow(sitting.StartsAt);
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        Assert.Equal(sitting.StartsAt.AddMinutes(60), attempt.Deadline);
        Assert.Equal(attempt.Deadline, (await Service<StartAttempt>().HandleAsync(attempt, "candidate")).Deadline); // starting again changes nothing
        Assert.Equal(1, await ScheduledTimeUpJobs(attempt.Id));

        _clock.SetUtcNow(attempt.Deadline!.Value.AddSeconds(-1));
        await Service<SubmitAtTimeUpJob>().RunAsync(attempt.Id, CancellationToken.None);
        await Service<SubmitAtTimeUpJob>().SweepAsync(CancellationToken.None);
        Assert.Empty(await SubmissionReasonsOf(attempt.Id));

        _clock.SetUtcNow(attempt.Deadline!.Value);
        await Task.WhenAll(Service<SubmitAtTimeUpJob>().RunAsync(attempt.Id, CancellationToken.None), Service<SubmitAtTimeUpJob>().SweepAsync(CancellationToken.None));
        await Service<SubmitAttempt>().HandleAsync(attempt, "candidate"); // the candidate's late click changes nothing
        Assert.Equal([SubmissionReasons.TimeUp], await SubmissionReasonsOf(attempt.Id));

        var again = await Assert.ThrowsAsync<RefusedException>(() => Service<StartAttempt>().HandleAsync(attempt, "candidate"));
        Assert.Contains("already been submitted", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_time_up_job_of_a_deadline_submits_each_of_its_attempts_once()
    {
        var (first, _, sitting) = await BookedAsync("WIN0071", new DateOnly(2027, 3, 1), "2027-03-10T10:00:00Z");
        var (second, _, _) = await BookedAsync("WIN0072", new DateOnly(2027, 3, 1), "2027-03-10T10:00:00Z", sitting);
        _clock.SetUtcNow(sitting.StartsAt);
        var attempts = new[] { await AttemptBuilder.InProgressAsync(_engine.Services, sitting, first), await AttemptBuilder.InProgressAsync(_engine.Services, sitting, second) };
        Assert.Equal(attempts[0].Deadline, attempts[1].Deadline);

        _clock.SetUtcNow(attempts[0].Deadline!.Value.AddSeconds(-1));
        await Service<SubmitAtTimeUpJob>().RunManyAsync([.. attempts.Select(a => a.Id)], CancellationToken.None);
        Assert.All(await Task.WhenAll(attempts.Select(a => SubmissionReasonsOf(a.Id))), Assert.Empty);

        _clock.SetUtcNow(attempts[0].Deadline!.Value);
        await Task.WhenAll(Service<SubmitAtTimeUpJob>().RunManyAsync([.. attempts.Select(a => a.Id)], CancellationToken.None), Service<SubmitAtTimeUpJob>().SweepAsync(CancellationToken.None));
        foreach (var attempt in attempts)
        {
            Assert.Equal([SubmissionReasons.TimeUp], await SubmissionReasonsOf(attempt.Id));
        }
    }

    [Fact]
    public async Task A_candidate_who_has_sat_the_test_gets_no_reminder()
    {
        var (candidate, enrolment, sitting) = await BookedAsync("WIN0080", new DateOnly(2027, 3, 1), "2027-04-06T10:00:00Z");
        _clock.SetUtcNow(sitting.StartsAt);
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        await Service<SubmitAttempt>().HandleAsync(attempt, "candidate");

        _clock.SetUtcNow(enrolment.Window!.Closes.AddHours(-2));
        await Service<WindowRemindersJob>().RunAsync(CancellationToken.None);
        await using var query = _store.QuerySession();
        Assert.False(await query.Query<Notification>().AnyAsync(n => n.CandidateId == candidate.Id));
    }

    private async Task<long> ScheduledTimeUpJobs(Guid attemptId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from hangfire.job where statename = 'Scheduled' and invocationdata::text like '%SubmitAtTimeUpJob%' and arguments::text like @id", connection);
        command.Parameters.AddWithValue("id", $"%{attemptId}%");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
