using System.Security.Claims;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>Object-level access for candidates: a candidate reaches only their own attempts.</summary>
public static class CandidateAttempts
{
    public static async Task<Candidate> CandidateAsync(this IQuerySession session, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var userId = user.Id();
        return await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, cancellationToken)
            ?? throw new RefusedException(RefusalKind.Forbidden, "You are not registered as a candidate.");
    }

    /// <summary>The attempt, when it is this candidate's; otherwise "not found", whether it exists or not.</summary>
    public static async Task<Attempt> OwnAttemptAsync(this IQuerySession session, ClaimsPrincipal user, Guid attemptId, CancellationToken cancellationToken) =>
        (await session.CandidateAndOwnAttemptAsync(user, attemptId, cancellationToken)).Attempt;

    /// <summary>As <see cref="OwnAttemptAsync"/>, with the candidate it read (for a page that shows them: read once, not twice).</summary>
    public static async Task<(Candidate Candidate, Attempt Attempt)> CandidateAndOwnAttemptAsync(this IQuerySession session, ClaimsPrincipal user, Guid attemptId, CancellationToken cancellationToken)
    {
        var candidate = await session.CandidateAsync(user, cancellationToken);
        return (candidate, CandidateIds.Own(await session.LoadAsync<Attempt>(attemptId, cancellationToken), candidate.Id));
    }
}

/// <summary>
/// Which candidate a signed-in person is, held per node: a candidate's account never changes hands, so a test page's
/// saves read it once rather than on every request. Whether the session may go on is still checked on every request
/// (<see cref="CurrentAccounts"/>); this only names the candidate.
/// </summary>
public sealed class CandidateIds(IDocumentStore store, IMemoryCache cache)
{
    private static readonly TimeSpan HeldFor = TimeSpan.FromMinutes(30);

    public async Task<Guid> OfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var key = $"candidate-of:{user.Id()}";
        if (cache.TryGetValue(key, out Guid held))
        {
            return held;
        }

        await using var session = store.QuerySession();
        var candidate = await session.CandidateAsync(user, cancellationToken);
        cache.Set(key, candidate.Id, new MemoryCacheEntryOptions { SlidingExpiration = HeldFor });
        return candidate.Id;
    }

    /// <summary>The attempt when it is this candidate's; otherwise "not found", whether it exists or not (as <see cref="CandidateAttempts.OwnAttemptAsync"/>).</summary>
    public static Attempt Own(Attempt? attempt, Guid candidateId) =>
        attempt is not null && attempt.CandidateId == candidateId ? attempt : throw new RefusedException(RefusalKind.NotFound, "There is no such attempt of yours.");
}

/// <summary>Rules an attempt must satisfy, read as sentences.</summary>
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
            throw new RefusedException(RefusalKind.Conflict, $"{who} has no agreed window for {enrolment.UnitCode}, so the test cannot start.");
        }

        if (!enrolment.IsOpenAt(now))
        {
            var when = now < window.Opens ? "has not opened yet" : "has closed";
            throw new RefusedException(RefusalKind.Conflict,
                $"{who} cannot start: their window for {enrolment.UnitCode} runs from {CentreTime.Show(window.Opens, zone)} to {CentreTime.Show(window.Closes, zone)} and {when}.");
        }
    }
}
