using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Submitting;

/// <summary>
/// Time-up: at each attempt's deadline a hard limit submits it (reason time-up) and a soft one logs the overrun. One job
/// is scheduled per attempt at its deadline; a sweep every minute is the safety net for jobs lost or missed while no
/// worker ran. Both go through the same decision, so nothing is written twice.
/// </summary>
public sealed class SubmitAtTimeUpJob(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time, ILogger<SubmitAtTimeUpJob> logger)
{
    public const string SweepId = "time-up-sweep";

    [Queue("deadlines")]
    [AutomaticRetry(Attempts = 20)]
    public async Task RunAsync(Guid attemptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var query = store.QuerySession();
        if (await query.LoadAsync<Attempt>(attemptId, cancellationToken) is not { InProgress: true, Form: { } form })
        {
            return;
        }

        var items = await PinnedItems.LoadAsync(query, form, cancellationToken);
        var written = await store.DecideAsync<Attempt>(attemptId, attempt => AttemptDecisions.TimeUp(attempt, now, items), cancellationToken);
        if (written.Count > 0)
        {
            logger.LogInformation("Attempt {Attempt}: {Outcome} at its deadline", attemptId, written[0] is AttemptSubmitted ? "submitted" : "overrun logged");
            return;
        }

        // The deadline moved on since this job was scheduled (time was added): wait for the new one. While the clock is
        // paused nothing is due; resuming schedules the job again.
        if (await query.LoadAsync<Attempt>(attemptId, cancellationToken) is { InProgress: true, OverrunLogged: false, PausedAt: null, Deadline: { } deadline } && deadline > now)
        {
            jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(attemptId, CancellationToken.None), deadline);
        }
    }

    /// <summary>
    /// Schedules the time-up of attempts whose clocks changed: one job per deadline, so a room started together (or
    /// given time together) is one job, not one per candidate — a room of 1,000 would write 1,000 jobs while its pages
    /// open the test. Each attempt is still decided alone when the job runs.
    /// </summary>
    public static void ScheduleAtDeadlines(IBackgroundJobClient jobs, IEnumerable<Attempt> attempts)
    {
        foreach (var due in attempts.Where(a => a is { Status: AttemptStatus.InProgress, PausedAt: null, Deadline: not null }).GroupBy(a => a.Deadline!.Value))
        {
            var ids = due.Select(a => a.Id).ToArray();
            if (ids.Length == 1)
            {
                jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(ids[0], CancellationToken.None), due.Key);
            }
            else
            {
                jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunManyAsync(ids, CancellationToken.None), due.Key);
            }
        }
    }

    /// <summary>The attempts of one deadline, each as <see cref="RunAsync"/> (one that fails is retried with the job; those done are then found not due).</summary>
    [Queue("deadlines")]
    [AutomaticRetry(Attempts = 20)]
    public async Task RunManyAsync(Guid[] attemptIds, CancellationToken cancellationToken)
    {
        foreach (var attemptId in attemptIds)
        {
            await RunAsync(attemptId, cancellationToken);
        }
    }

    [Queue("deadlines")]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var query = store.QuerySession();
        var due = await query.Query<Attempt>()
            .Where(a => a.Status == AttemptStatus.InProgress && !a.OverrunLogged && a.PausedAt == null && a.Deadline <= now)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await RunAsync(id, cancellationToken);
        }
    }
}
