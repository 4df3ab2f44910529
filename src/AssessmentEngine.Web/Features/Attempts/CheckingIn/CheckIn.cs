using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.CheckingIn;

/// <summary>
/// A booked candidate enters the sitting's access code and waits to be admitted. One attempt per candidate per sitting:
/// its id is derived from both, so checking in twice (or from two tabs at once) finds the same attempt.
/// </summary>
public sealed class CheckIn(IDocumentStore store, SittingReads sittings, TimeProvider time)
{
    /// <summary>Check-in opens this long before the sitting starts.</summary>
    public static readonly TimeSpan OpensBefore = TimeSpan.FromMinutes(60);

    public async Task<Attempt> HandleAsync(Guid sittingId, Candidate candidate, string? accessCode, string actor, CancellationToken cancellationToken = default)
    {
        var attemptId = IdFor(sittingId, candidate.Id);
        await using var session = store.QuerySession();
        var sitting = await sittings.LoadAsync(sittingId, cancellationToken);
        var booking = sitting?.Bookings.FirstOrDefault(b => b.CandidateId == candidate.Id);
        if (sitting is null || booking is null)
        {
            throw new RefusedException(RefusalKind.NotFound, "You are not booked on this sitting.");
        }

        if (await session.LoadAsync<Attempt>(attemptId, cancellationToken) is { } existing)
        {
            return existing;
        }

        if (sitting.Ended)
        {
            throw new RefusedException(RefusalKind.Conflict, "This sitting has ended.");
        }

        if (!sitting.AccessCodeIs(accessCode))
        {
            throw new RefusedException(RefusalKind.Invalid, "That is not the access code for this sitting. Check the code the invigilator shows and try again.");
        }

        var now = time.GetUtcNow();
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        if (now < sitting.StartsAt - OpensBefore)
        {
            throw new RefusedException(RefusalKind.Conflict, $"Check-in opens at {CentreTime.Show(sitting.StartsAt - OpensBefore, centre.Zone)}, an hour before the sitting starts.");
        }

        var enrolment = await session.LoadAsync<Enrolment>(booking.EnrolmentId, cancellationToken)
            ?? throw new RefusedException(RefusalKind.Conflict, $"You are not enrolled on {sitting.UnitCode}.");
        AttemptRules.StartsInsideTheWindow(enrolment, candidate, centre.Zone, now);

        // Checked in at the same moment from another tab: whichever started the stream first stands.
        await store.StartAsync<Attempt>(attemptId, [new CandidateCheckedIn(attemptId, sittingId, enrolment.Id, candidate.Id, sitting.CentreId,
            sitting.UnitCode, sitting.TestId, enrolment.Occasions, actor, now)], cancellationToken);

        await using var query = store.QuerySession();
        return (await query.LoadAsync<Attempt>(attemptId, cancellationToken))!;
    }

    public static Guid IdFor(Guid sittingId, Guid candidateId) => NameBasedId.For($"assessment-engine/attempt/{sittingId:N}/{candidateId:N}");
}
