using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Marking;

/// <summary>An attempt with what marking and verification need: its items as delivered, the unit's outcomes, the result.</summary>
public sealed record MarkedAttempt(Attempt Attempt, Candidate Candidate, IReadOnlyDictionary<string, Item> Items, BankUnit Unit, AttemptResult Result);

/// <summary>
/// An attempt as an assessor or a verifier sees it, if they hold that role at the attempt's own centre: every use case
/// after the test (marking, deciding, sampling, verifying) starts here.
/// </summary>
public sealed class MarkedAttempts(IDocumentStore store)
{
    public async Task<MarkedAttempt> LoadAsync(Guid attemptId, Role role, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var attempt = await session.LoadAsync<Attempt>(attemptId, cancellationToken);
        if (attempt is null || !user.Holds(role, attempt.CentreId) || attempt.Form is null)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such attempt at your centre.");
        }

        var candidate = (await session.LoadAsync<Candidate>(attempt.CandidateId, cancellationToken))!;
        var items = await PinnedItems.LoadAsync(session, attempt.Form, cancellationToken);
        var unit = (await session.LoadAsync<BankUnit>(attempt.UnitCode, cancellationToken))!;
        return new MarkedAttempt(attempt, candidate, items, unit, AttemptResult.Of(attempt, items, unit.Outcomes));
    }
}
