using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>Who acts: the invigilator's account (they must be assigned to the sitting) and their sign-in name for the record.</summary>
public sealed record Invigilator(Guid Id, string Actor);

/// <summary>The sittings an invigilator may act on: every use case at the desk starts here.</summary>
public sealed class InvigilatedSittings(SittingReads sittings, CurrentAccounts accounts)
{
    public const string NoLongerInvigilating = "You are no longer an invigilator at this centre, so you cannot act on its sittings. Ask the exam officer if this is a mistake.";

    /// <summary>
    /// The sitting, if the caller was assigned to it when it was scheduled and is still an invigilator at its centre
    /// now (their account as it stands, not the roles they signed in with).
    /// </summary>
    public async Task<Sitting> SittingAsync(Guid sittingId, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.LoadAsync(sittingId, cancellationToken);
        if (sitting is null || !sitting.InvigilatorIds.Contains(invigilator.Id))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such sitting assigned to you.");
        }

        var account = await accounts.GetAsync(invigilator.Id, cancellationToken);
        return account is not null && account.Holds(Role.Invigilator, sitting.CentreId)
            ? sitting
            : throw new RefusedException(RefusalKind.Forbidden, NoLongerInvigilating);
    }
}
