using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Awards;

/// <summary>The decisions on a candidate's registration for a qualification: pure functions from its state to the events that follow.</summary>
public static class AwardDecisions
{
    /// <summary>The certificate is claimed once, and only when the rules of combination are met.</summary>
    public static IEnumerable<object> Claim(QualificationRegistration registration, AwardProgress progress, string candidate, string actor, DateTimeOffset now)
    {
        if (registration.Claim is { } claim)
        {
            throw new RefusedException(RefusalKind.Conflict,
                $"{candidate}'s certificate for {registration.QualificationCode} was claimed on {claim.ClaimedAt:d MMM yyyy} by {claim.Actor}; it is not claimed twice.");
        }

        if (!progress.Met)
        {
            throw new RefusedException(RefusalKind.Invalid,
                $"{candidate} has not met the rules of {registration.QualificationCode} yet ({string.Join("; ", progress.StillNeeded)}); nothing was claimed.");
        }

        yield return new CertificationClaimed(registration.Id, registration.CandidateId, registration.CentreId, registration.QualificationCode, progress.Achieved, actor, now);
    }
}
