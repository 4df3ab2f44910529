using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Units.Releasing;

/// <summary>
/// The centre's exam officer releases decided units to their candidates, now or on a date they set; a result the
/// internal verifier sampled is released only once countersigned. Each candidate is told by email that a result is ready.
/// </summary>
public sealed class ReleaseResults(IDocumentStore store, TimeProvider time)
{
    /// <summary>Releases each chosen unit that can be; returns, per unit refused, why.</summary>
    public async Task<(int Released, IReadOnlyList<string> Refused)> ReleaseNowAsync(ClaimsPrincipal user, Guid centreId, IReadOnlyList<Guid> enrolmentIds,
        CancellationToken cancellationToken = default)
    {
        var outcomes = await AtCentreAsync(user, centreId, enrolmentIds, cancellationToken);
        var now = time.GetUtcNow();
        var released = 0;
        var refused = new List<string>();
        foreach (var outcome in outcomes)
        {
            try
            {
                await store.DecideAsync<UnitOutcome>(outcome.Id, current => UnitDecisions.Release(current, user.Actor(), now), cancellationToken);
                await TellAsync(store, outcome.Id, cancellationToken);
                released++;
            }
            catch (RefusedException refusal)
            {
                refused.Add($"{outcome.UnitCode} for {await NameAsync(outcome.CandidateId, cancellationToken)}: {refusal.Message}");
            }
        }

        return (released, refused);
    }

    /// <summary>Sets the date the chosen units are released on (at the start of that day in the centre's time zone).</summary>
    public async Task<int> ScheduleAsync(ClaimsPrincipal user, Guid centreId, IReadOnlyList<Guid> enrolmentIds, DateOnly? on, CancellationToken cancellationToken = default)
    {
        if (on is not { } day)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose the date the results are released on.");
        }

        var outcomes = await AtCentreAsync(user, centreId, enrolmentIds, cancellationToken);
        await using var query = store.QuerySession();
        var centre = await query.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var releaseOn = Enrolments.WindowCalendar.StartOfDay(day, centre.Zone);
        var now = time.GetUtcNow();
        foreach (var outcome in outcomes)
        {
            await store.DecideAsync<UnitOutcome>(outcome.Id, current => UnitDecisions.ScheduleRelease(current, releaseOn, user.Actor(), now), cancellationToken);
        }

        return outcomes.Count;
    }

    private async Task<IReadOnlyList<UnitOutcome>> AtCentreAsync(ClaimsPrincipal user, Guid centreId, IReadOnlyList<Guid> enrolmentIds, CancellationToken cancellationToken)
    {
        if (!user.Holds(Role.Admin, centreId))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such centre where you are the exam officer.");
        }

        if (enrolmentIds.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Tick the results to release.");
        }

        if (enrolmentIds.Count > 1000)
        {
            throw new RefusedException(RefusalKind.Invalid, "Release at most 1,000 results at a time.");
        }

        await using var session = store.QuerySession();
        var outcomes = await session.LoadManyAsync<UnitOutcome>(cancellationToken, enrolmentIds.Distinct().ToArray());
        if (outcomes.Count != enrolmentIds.Distinct().Count() || outcomes.Any(o => o.CentreId != centreId))
        {
            throw new RefusedException(RefusalKind.NotFound, "One of the results chosen is not at this centre; nothing was released.");
        }

        return outcomes;
    }

    private async Task<string> NameAsync(Guid candidateId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return (await session.LoadAsync<Candidate>(candidateId, cancellationToken))?.Name ?? "a candidate";
    }

    /// <summary>The candidate is told a result is ready (what it says stays behind their sign-in); one message per decision however often this runs.</summary>
    public static async Task TellAsync(IDocumentStore store, Guid enrolmentId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var outcome = await session.LoadAsync<UnitOutcome>(enrolmentId, cancellationToken);
        if (outcome?.LatestReleased is not { Released: { } released } decision)
        {
            return;
        }

        var candidate = await session.LoadAsync<Candidate>(outcome.CandidateId, cancellationToken);
        var unit = await session.LoadAsync<ItemBank.BankUnit>(outcome.UnitCode, cancellationToken);
        session.Store(new Notification($"unit-result/{enrolmentId}/{decision.Number}", outcome.CandidateId, outcome.CentreId,
            $"Your result for unit {outcome.UnitCode} is ready",
            $"Dear {candidate?.FirstName ?? "candidate"}, your result for unit {outcome.UnitCode} ({unit?.Title ?? "your unit"}) has been released. " +
            "Sign in and open Your units to read it, with your assessor's feedback and what to do next.", released.ReleasedAt));
        await session.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Releases the results whose release date has come (and that may be released), every few minutes.</summary>
public sealed class ReleaseDueResultsJob(IDocumentStore store, TimeProvider time)
{
    public const string Id = "unit-results-due";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var query = store.QuerySession();
        // Few outcomes carry a release date at once; the rest are filtered here rather than indexed.
        var scheduled = await query.Query<UnitOutcome>().Where(o => o.Decisions.Any(d => d.ReleaseOn != null && d.Released == null)).ToListAsync(cancellationToken);
        var released = 0;
        foreach (var outcome in scheduled)
        {
            var written = await store.DecideAsync<UnitOutcome>(outcome.Id, current => UnitDecisions.ReleaseIfDue(current, now), cancellationToken);
            if (written.Count > 0)
            {
                await ReleaseResults.TellAsync(store, outcome.Id, cancellationToken);
                released++;
            }
        }

        return released;
    }
}
