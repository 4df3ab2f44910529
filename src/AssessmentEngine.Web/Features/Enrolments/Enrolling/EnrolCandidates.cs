using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Enrolments.Enrolling;

/// <summary>Enrols candidates of a centre on a unit; one already enrolled on it is left as they are. All or nothing.</summary>
public sealed class EnrolCandidates(IDocumentStore store, TimeProvider time)
{
    public async Task<int> HandleAsync(Guid centreId, string unitCode, IReadOnlyCollection<Guid> candidateIds, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var unit = await session.LoadAsync<BankUnit>(unitCode, cancellationToken)
            ?? throw new RefusedException(RefusalKind.NotFound, $"There is no unit {unitCode} in the item bank.");
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        if (!centre.Offers(unit))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{centre.Name} does not offer {unitCode}; the platform operator offers units to centres.");
        }
        if (candidateIds.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose at least one candidate to enrol.");
        }

        var candidates = await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds.ToArray());
        var strangers = candidateIds.Except(candidates.Where(c => c.CentreId == centreId).Select(c => c.Id)).Count();
        if (strangers > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{strangers} of the chosen candidates are not registered at this centre; nobody was enrolled.");
        }

        var already = (await session.Query<Enrolment>().Where(e => e.CentreId == centreId && e.UnitCode == unitCode).Select(e => e.CandidateId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = time.GetUtcNow();
        var enrolled = 0;
        foreach (var candidate in candidates.Where(c => !already.Contains(c.Id)))
        {
            var id = Guid.CreateVersion7();
            session.Start<Enrolment>(id, new CandidateEnrolled(id, candidate.Id, centreId, unitCode, unit.Policy.WindowWeeks, acting.Actor, now));
            enrolled++;
        }

        await session.SaveChangesAsync(cancellationToken);
        return enrolled;
    }
}
