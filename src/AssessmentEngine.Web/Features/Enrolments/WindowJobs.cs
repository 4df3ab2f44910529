using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Notifications;
using Hangfire;
using JasperFx;
using Marten;

namespace AssessmentEngine.Web.Features.Enrolments;

/// <summary>
/// Closes windows: one job scheduled at each window's exact close, and a sweep every minute as the safety net for
/// jobs lost or missed while no worker ran. Both go through the same decision, so a window closes once.
/// </summary>
public sealed class CloseWindowsJob(IDocumentStore store, IWindowAttempts attempts, TimeProvider time, ILogger<CloseWindowsJob> logger)
{
    public const string SweepId = "close-windows-sweep";

    [Queue("deadlines")]
    [AutomaticRetry(Attempts = 20)]
    public async Task CloseAsync(Guid enrolmentId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CloseOnceAsync(enrolmentId, cancellationToken);
                return;
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
                // The sweep, the scheduled job or the candidate got there first: read again; the loser finds it done.
            }
        }
    }

    /// <summary>
    /// Closes a window that is due, and submits every attempt still under way on it (reason window-closed), in one
    /// transaction: either the window is closed with its attempts submitted, or nothing is written.
    /// </summary>
    private async Task CloseOnceAsync(Guid enrolmentId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Enrolment>(enrolmentId, cancellationToken);
        if (stream.Aggregate is not { } enrolment)
        {
            return;
        }

        var now = time.GetUtcNow();
        var closing = EnrolmentDecisions.CloseWindow(enrolment, now).ToList();
        if (!enrolment.Closed && closing.Count == 0)
        {
            return; // not due yet (extended), or never agreed
        }

        stream.AppendMany(closing);
        var submitted = await attempts.SubmitUnderWayAsync(session, enrolmentId, now, cancellationToken);
        if (closing.Count == 0 && submitted == 0)
        {
            return;
        }

        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Window of enrolment {Enrolment} ({Unit}) closed; {Submitted} attempt(s) under way submitted", enrolmentId, enrolment.UnitCode, submitted);
    }

    [Queue("deadlines")]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var query = store.QuerySession();
        var due = (await query.Query<Enrolment>()
            .Where(e => !e.Closed && e.Window != null && e.Window.Closes <= now)
            .Select(e => e.Id)
            .ToListAsync(cancellationToken)).ToList();
        // Attempts still under way on a window already closed (one started in the very second it closed).
        var underWay = (await attempts.EnrolmentsUnderWayAsync(query, cancellationToken)).ToArray();
        if (underWay.Length > 0)
        {
            due.AddRange(await query.Query<Enrolment>().Where(e => e.Closed && e.Id.IsOneOf(underWay)).Select(e => e.Id).ToListAsync(cancellationToken));
        }

        foreach (var id in due.Distinct())
        {
            await CloseAsync(id, cancellationToken);
        }
    }
}

/// <summary>Reminders 7 days and 1 day before a window closes, into the notification outbox, once each, for candidates who have not yet sat this occasion.</summary>
public sealed class WindowRemindersJob(IDocumentStore store, IWindowAttempts attempts, TimeProvider time)
{
    public const string Id = "window-reminders";

    public static readonly IReadOnlyList<(string Key, TimeSpan Before)> Reminders = [("7d", TimeSpan.FromDays(7)), ("1d", TimeSpan.FromDays(1))];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var horizon = now + Reminders.Max(r => r.Before);
        await using var session = store.LightweightSession();
        var closing = await session.Query<Enrolment>()
            .Where(e => !e.Closed && e.Window != null && e.Window.Closes > now && e.Window.Closes <= horizon)
            .ToListAsync(cancellationToken);
        var sat = await attempts.SatAsync(session, closing.Select(e => e.Id).ToList(), cancellationToken);
        var written = 0;
        foreach (var enrolment in closing.Where(e => !sat.Contains((e.Id, e.Occasions))))
        {
            // Only the latest reminder due: a window agreed with three days left gets one reminder, worded for three days.
            foreach (var (key, _) in Reminders.Where(r => enrolment.Window!.Closes - r.Before <= now).OrderBy(r => r.Before).Take(1))
            {
                var id = $"window-reminder/{enrolment.Id}/{key}";
                if (await session.LoadAsync<Notification>(id, cancellationToken) is not null)
                {
                    continue;
                }

                var candidate = await session.LoadAsync<Candidate>(enrolment.CandidateId, cancellationToken);
                var centre = await session.LoadAsync<Centre>(enrolment.CentreId, cancellationToken);
                var closes = TimeZoneInfo.ConvertTime(enrolment.Window!.Closes, centre?.Zone ?? TimeZoneInfo.Utc);
                session.Store(new Notification(id, enrolment.CandidateId, enrolment.CentreId,
                    $"Your assessment window for {enrolment.UnitCode} closes in {DaysLeft(enrolment.Window!.Closes - now)}",
                    $"Dear {candidate?.FirstName ?? "candidate"}, your assessment window for unit {enrolment.UnitCode} closes at " +
                    $"{closes:HH:mm} on {closes:dddd d MMMM yyyy}. Speak to your assessor if you have not yet sat the test.",
                    now));
                written++;
            }
        }

        await session.SaveChangesAsync(cancellationToken);
        return written;
    }

    private static string DaysLeft(TimeSpan left) => left.TotalHours < 24
        ? $"{Math.Max(1, (int)Math.Ceiling(left.TotalHours))} hour(s)"
        : $"{(int)Math.Ceiling(left.TotalDays)} day(s)";
}
