using System.Security.Claims;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;

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
    public static async Task<Attempt> OwnAttemptAsync(this IQuerySession session, ClaimsPrincipal user, Guid attemptId, CancellationToken cancellationToken)
    {
        var candidate = await session.CandidateAsync(user, cancellationToken);
        var attempt = await session.LoadAsync<Attempt>(attemptId, cancellationToken);
        return attempt is not null && attempt.CandidateId == candidate.Id
            ? attempt
            : throw new RefusedException(RefusalKind.NotFound, "There is no such attempt of yours.");
    }
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
