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
public sealed class StartAttempt(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time, ILogger<StartAttempt> logger)
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
        var sitting = await session.LoadAsync<Sitting>(attempt.SittingId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such sitting.");
        var enrolment = await session.LoadAsync<Enrolment>(attempt.EnrolmentId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such enrolment.");
        var centre = await session.LoadAsync<Centre>(attempt.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        var unit = await session.LoadAsync<BankUnit>(attempt.UnitCode, cancellationToken);
        var blueprint = unit?.Blueprints.FirstOrDefault(b => b.Id == attempt.TestId);
        // An assignment's time limit is hard: uploads close when it is up. It has no pass mark; the assessor judges it.
        (AssessmentEngine.ItemBank.TimeLimit Limit, int PassPercent) rules = blueprint is not null ? (blueprint.TimeLimit, blueprint.PassPercent)
            : unit?.Assignment(attempt.TestId) is not null ? (AssessmentEngine.ItemBank.TimeLimit.Hard, 0)
            : throw new RefusedException(RefusalKind.Conflict, $"The test {attempt.TestId} is no longer in the bank for {attempt.UnitCode}; tell the invigilator.");
        var now = time.GetUtcNow();
        AttemptRules.StartsInsideTheWindow(enrolment, candidate, centre.Zone, now);
        if (sitting.Ended)
        {
            throw new RefusedException(RefusalKind.Conflict, "The invigilator has ended this sitting, so the test cannot start.");
        }

        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.Start(current, sitting.DurationMinutes, candidate.Adjustments.ExtraTimePercent,
            rules.Limit, rules.PassPercent, actor, now), cancellationToken);
        var started = (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
        try
        {
            jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(started.Id, CancellationToken.None), started.Deadline!.Value);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The attempt stands; the minutely time-up sweep submits it at its deadline without this job.
            logger.LogWarning(exception, "Time-up job for attempt {Attempt} not scheduled; the sweep will catch it", started.Id);
        }

        return started;
    }
}
