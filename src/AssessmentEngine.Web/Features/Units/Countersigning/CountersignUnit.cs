using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Units.Countersigning;

/// <summary>The internal verifier countersigns the unit progress record, or disagrees; a verifier may countersign a unit the rule did not sample.</summary>
public sealed class CountersignUnit(IDocumentStore store, UnitsForStaff units, TimeProvider time)
{
    public async Task HandleAsync(ClaimsPrincipal user, Guid enrolmentId, bool? agrees, string? comment, CancellationToken cancellationToken = default)
    {
        var unit = await units.LoadAsync(user, Role.Verifier, enrolmentId, cancellationToken);
        var verifier = new Staff(user.Id(), user.Actor());
        var assessedIt = unit.AssessedBy(verifier);
        var now = time.GetUtcNow();
        await store.DecideOnViewAsync<UnitOutcome>(enrolmentId, enrolmentId,
            current => UnitDecisions.Countersign(current ?? unit.Outcome, agrees, comment, assessedIt, verifier, now), cancellationToken);
    }
}
