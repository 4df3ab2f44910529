using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>The centres an external verifier verifies, and their draft report at each.</summary>
public static class VerifiedCentres
{
    /// <summary>The centre, when the caller is its external verifier; "not found" otherwise, as for a centre that does not exist.</summary>
    public static async Task<Centre> OfAsync(IDocumentStore store, ClaimsPrincipal user, Guid centreId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return user.Holds(Role.ExternalVerifier, centreId) && await session.LoadAsync<Centre>(centreId, cancellationToken) is { } centre
            ? centre
            : throw new RefusedException(RefusalKind.NotFound, "There is no such centre among those you verify.");
    }

    /// <summary>The id of the verifier's draft report for the centre: the one after their issued ones (it may not be opened yet).</summary>
    public static async Task<Guid> DraftIdAsync(IDocumentStore store, Guid centreId, Guid verifierId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var issued = await session.Query<ExternalReport>().CountAsync(v => v.CentreId == centreId && v.VerifierId == verifierId && v.IssuedAt != null, cancellationToken);
        return ExternalReport.IdFor(centreId, verifierId, issued);
    }
}
