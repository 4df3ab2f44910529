using System.Security.Cryptography;
using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Marten;
using Marten.Exceptions;

namespace AssessmentEngine.Web.Features.Attempts.Starting;

/// <summary>
/// Starts a booked candidate's attempt in a sitting: only inside their window; the form is assembled now, for them alone,
/// and pinned in <see cref="AttemptStarted"/>; the time-up job is scheduled at the deadline. Starting twice returns the
/// attempt already under way (one attempt per candidate per sitting).
/// </summary>
public sealed class StartAttempt(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time, ILogger<StartAttempt> logger)
{
    public async Task<Attempt> HandleAsync(Guid sittingId, Guid candidateId, string actor, CancellationToken cancellationToken = default)
    {
        var attemptId = IdFor(sittingId, candidateId);
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Attempt>(attemptId, cancellationToken) is { } existing)
        {
            return existing.InProgress ? existing : throw new AttemptRefusedException("This attempt has already been submitted; it cannot be started again.");
        }

        var sitting = await session.LoadAsync<Sitting>(sittingId, cancellationToken) ?? throw new AttemptRefusedException("There is no such sitting.");
        var candidate = await session.LoadAsync<Candidate>(candidateId, cancellationToken);
        var booking = sitting.Bookings.FirstOrDefault(b => b.CandidateId == candidateId);
        if (candidate is null || booking is null)
        {
            throw new AttemptRefusedException("This candidate is not booked on this sitting.");
        }

        var enrolment = await session.LoadAsync<Enrolment>(booking.EnrolmentId, cancellationToken)
            ?? throw new AttemptRefusedException($"{candidate.Name} is not enrolled on {sitting.UnitCode}.");
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, cancellationToken) ?? throw new AttemptRefusedException("There is no such centre.");
        var now = time.GetUtcNow();
        AttemptRules.StartsInsideTheWindow(enrolment, candidate, centre.Zone, now);

        var unit = await session.UnitAsync(sitting.UnitCode, cancellationToken) ?? throw new AttemptRefusedException($"There is no unit {sitting.UnitCode} in the item bank.");
        var blueprint = unit.Blueprints.FirstOrDefault(b => b.Id == sitting.TestId)
            ?? throw new AttemptRefusedException($"The test {sitting.TestId} is no longer in the bank for {sitting.UnitCode}; ask the exam officer.");
        var form = await AssembleAsync(session, unit, blueprint, sitting, candidate, centre.Zone, now, cancellationToken);
        var extra = candidate.Adjustments.ExtraTimePercent;
        var allowed = TimeSpan.FromMinutes(sitting.DurationMinutes * (1 + extra / 100.0));
        var started = new AttemptStarted(attemptId, sitting.Id, enrolment.Id, candidate.Id, sitting.CentreId, sitting.UnitCode, enrolment.Occasions,
            form, sitting.DurationMinutes, extra, allowed, blueprint.TimeLimit, actor, now);

        session.Events.StartStream<Attempt>(attemptId, started);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // Started at the same moment by another request: that one stands.
            await using var query = store.QuerySession();
            return await query.LoadAsync<Attempt>(attemptId, cancellationToken) ?? throw new AttemptRefusedException("The attempt could not be started; try again.");
        }

        var attempt = Attempt.Create(started);
        try
        {
            jobs.Schedule<SubmitAtTimeUpJob>(job => job.RunAsync(attemptId, CancellationToken.None), attempt.Deadline);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The attempt stands; the minutely time-up sweep submits it at its deadline without this job.
            logger.LogWarning(exception, "Time-up job for attempt {Attempt} not scheduled; the sweep will catch it", attemptId);
        }

        return attempt;
    }

    /// <summary>One attempt per candidate per sitting: its id is derived from both, so two starts at once collide.</summary>
    public static Guid IdFor(Guid sittingId, Guid candidateId) => NameBasedId.For($"assessment-engine/attempt/{sittingId:N}/{candidateId:N}");

    private static async Task<Form> AssembleAsync(IQuerySession session, Unit unit, Blueprint blueprint, Sitting sitting, Candidate candidate,
        TimeZoneInfo zone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var earlier = await session.Query<Attempt>().Where(a => a.CandidateId == candidate.Id && a.UnitCode == unit.Code)
            .OrderBy(a => a.StartedAt).ToListAsync(cancellationToken);
        var history = earlier.Aggregate(CandidateHistory.None, (h, a) => h.After(a.Form, a.StartedAt));
        var sittingForms = await session.Query<Attempt>().Where(a => a.SittingId == sitting.Id).Select(a => a.Form).ToListAsync(cancellationToken);
        var exposure = (await session.Query<Attempt>().Where(a => a.UnitCode == unit.Code).Select(a => a.Form).ToListAsync(cancellationToken))
            .SelectMany(f => f.Items).GroupBy(i => i.ItemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        try
        {
            return Sampler.Assemble(unit, blueprint, history, sittingForms, exposure, RandomNumberGenerator.GetInt32(int.MaxValue), today);
        }
        catch (InfeasibleBlueprintException infeasible)
        {
            throw new AttemptRefusedException($"The bank for {unit.Code} cannot serve its test today: {infeasible.Message}");
        }
    }
}

/// <summary>Rules an attempt's start must satisfy, read as sentences.</summary>
public static class AttemptRules
{
    /// <summary>No attempt starts outside the candidate's window (a unit without a window is always open).</summary>
    public static void StartsInsideTheWindow(Enrolment enrolment, Candidate candidate, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (enrolment.WindowWeeks is null)
        {
            return;
        }

        var who = $"{candidate.Name} ({candidate.CandidateNumber})";
        if (enrolment.Window is not { } window)
        {
            throw new AttemptRefusedException($"{who} has no agreed window for {enrolment.UnitCode}, so the test cannot start.");
        }

        if (!enrolment.IsOpenAt(now))
        {
            var when = now < window.Opens ? "has not opened yet" : "has closed";
            throw new AttemptRefusedException(
                $"{who} cannot start: their window for {enrolment.UnitCode} runs from {CentreTime.Show(window.Opens, zone)} to {CentreTime.Show(window.Closes, zone)} and {when}.");
        }
    }
}
