using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.ExternalVerification.Issuing;

/// <summary>The external verifier issues their draft report for a centre: from then on the centre's exam officers see it.</summary>
public sealed class IssueExternalReport(IDocumentStore store, TimeProvider time)
{
    public async Task<Guid> HandleAsync(Guid centreId, string? summary, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await VerifiedCentres.OfAsync(store, user, centreId, cancellationToken);
        var visitId = await VerifiedCentres.DraftIdAsync(store, centreId, user.Id(), cancellationToken);
        var issued = await store.DecideAsync<ExternalReport>(visitId,
            visit => ExternalVerificationDecisions.Issue(visit, summary, user.Id(), user.Actor(), time.GetUtcNow()), cancellationToken);
        return issued.Count > 0 ? visitId : throw new RefusedException(RefusalKind.Invalid, "There is no draft report to issue: record a sample first.");
    }
}
