using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Starting;

/// <summary>
/// The admitted candidate has read the instructions and starts: only inside their window. The clock runs from now, with
/// their extra time; the time-up job is scheduled at the deadline. Starting twice returns the attempt under way.
/// </summary>
public sealed class StartAttempt(IDocumentStore store, SittingReads sittings, IBackgroundJobClient jobs, TimeProvider time, ILogger<StartAttempt> logger)
{
    public async Task<Attempt> HandleAsync(Attempt attempt, string actor, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        attempt = await session.LoadAsync<Attempt>(attempt.Id, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such attempt.");
        if (attempt.InProgress)
        {
            return attempt;
        }

        var candidate = await session.LoadAsync<Candidate>(attempt.CandidateId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such candidate.");
        var sitting = await sittings.LoadAsync(attempt.SittingId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such sitting.");
        var enrolment = await session.LoadAsync<Enrolment>(attempt.EnrolmentId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such enrolment.");
        var centre = await session.LoadAsync<Centre>(attempt.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        var rules = RulesOf(await session.LoadAsync<BankUnit>(attempt.UnitCode, cancellationToken), attempt.UnitCode, attempt.TestId);
        var now = time.GetUtcNow();
        AttemptRules.StartsInsideTheWindow(enrolment, candidate, centre.Zone, now);
        if (sitting.Ended)
        {
            throw new RefusedException(RefusalKind.Conflict, "The invigilator has ended this sitting, so the test cannot start.");
        }

        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.Start(current, sitting.DurationMinutes, candidate.Adjustments.ExtraTimePercent,
            rules.Limit, rules.PassPercent, actor, now), cancellationToken);
        var started = (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
        ScheduleTimeUp([started]);
        return started;
    }

    /// <summary>
    /// The invigilator starts the room: every admitted candidate's test starts now, each inside their window and with
    /// their extra time, written fifty at a time, a few writes at once (each decided on the attempt as it stands), and each page is told by push.
    /// Candidates still waiting are left waiting; a test that cannot start (the window closed) is named with the reason
    /// and the others start all the same.
    /// </summary>
    public async Task<RoomStart> StartRoomAsync(Sitting sitting, string actor, CancellationToken cancellationToken = default)
    {
        if (sitting.Ended)
        {
            throw new RefusedException(RefusalKind.Conflict, "This sitting has ended, so no test can start.");
        }

        await using var session = store.QuerySession();
        var attempts = await session.LoadManyAsync<Attempt>(cancellationToken, sitting.Bookings.Select(b => CheckIn.IdFor(sitting.Id, b.CandidateId)).ToArray());
        var admitted = attempts.Where(a => a.Status == AttemptStatus.Admitted).ToList();
        var already = attempts.Count(a => a.Status is AttemptStatus.InProgress or AttemptStatus.Submitted);
        if (admitted.Count == 0)
        {
            return new RoomStart(0, already, []);
        }

        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, admitted.Select(a => a.CandidateId).ToArray())).ToDictionary(c => c.Id);
        var enrolments = (await session.LoadManyAsync<Enrolment>(cancellationToken, admitted.Select(a => a.EnrolmentId).Distinct().ToArray())).ToDictionary(e => e.Id);
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        var rules = RulesOf(await session.LoadAsync<BankUnit>(sitting.UnitCode, cancellationToken), sitting.UnitCode, sitting.TestId);
        // Fifty at a time, a few fifties at once: each fifty read in one round trip and written in one, its pages told as
        // it commits. One after another, a room of 1,000 took 7 s to start with the machine half idle.
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<Guid, CandidateRefusal>();
        var started = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(admitted.Chunk(StartedTogether), new ParallelOptions { MaxDegreeOfParallelism = WritesAtOnce, CancellationToken = cancellationToken },
            async (chunk, token) =>
            {
                var now = time.GetUtcNow();
                var written = await store.DecideManyAsync<Attempt>([.. chunk.Select(a => a.Id)], current =>
                {
                    var candidate = candidates[current.CandidateId];
                    try
                    {
                        AttemptRules.StartsInsideTheWindow(enrolments.GetValueOrDefault(current.EnrolmentId)
                            ?? throw new RefusedException(RefusalKind.Conflict, "There is no such enrolment."), candidate, centre.Zone, now);
                        var events = AttemptDecisions.Start(current, sitting.DurationMinutes, candidate.Adjustments.ExtraTimePercent, rules.Limit, rules.PassPercent, actor, now).ToList();
                        refused.TryRemove(current.Id, out _);
                        return events;
                    }
                    catch (RefusedException refusal)
                    {
                        refused[current.Id] = new CandidateRefusal(candidate.Id, candidate.CandidateNumber, refusal.Message);
                        return [];
                    }
                }, token);
                foreach (var id in written.Keys)
                {
                    started.Add(id);
                }
            });

        already += admitted.Count - started.Count - refused.Count;
        // The pages were told as each start was written; the time-up jobs follow, one per deadline.
        ScheduleTimeUp(await session.LoadManyAsync<Attempt>(cancellationToken, started.ToArray()));

        return new RoomStart(started.Count, already, [.. refused.Values]);
    }

    /// <summary>How many tests one write of a room's start takes, and how many such writes go at once.</summary>
    public const int StartedTogether = 50;

    public const int WritesAtOnce = 4;

    // An assignment's time limit is hard: uploads close when it is up. It has no pass mark; the assessor judges it.
    private static (AssessmentEngine.ItemBank.TimeLimit Limit, int PassPercent) RulesOf(BankUnit? unit, string unitCode, string testId) =>
        unit?.Blueprints.FirstOrDefault(b => b.Id == testId) is { } blueprint ? (blueprint.TimeLimit, blueprint.PassPercent)
            : unit?.Assignment(testId) is not null ? (AssessmentEngine.ItemBank.TimeLimit.Hard, 0)
            : throw new RefusedException(RefusalKind.Conflict, $"The test {testId} is no longer in the bank for {unitCode}; tell the invigilator.");

    private void ScheduleTimeUp(IReadOnlyList<Attempt> started)
    {
        try
        {
            SubmitAtTimeUpJob.ScheduleAtDeadlines(jobs, started);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The tests stand; the minutely time-up sweep submits each at its deadline without these jobs.
            logger.LogWarning(exception, "Time-up jobs for {Count} attempt(s) not scheduled; the sweep will catch them", started.Count);
        }
    }
}
