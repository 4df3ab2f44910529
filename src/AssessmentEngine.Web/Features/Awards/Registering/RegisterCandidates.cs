using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Awards.Registering;

/// <summary>
/// Registers candidates of a centre for a qualification, by candidate number; one registered already is left as they are.
/// Every number must be the centre's, or nobody is registered.
/// </summary>
public sealed class RegisterCandidates(IDocumentStore store, TimeProvider time)
{
    public async Task<int> HandleAsync(Guid centreId, string qualificationCode, IReadOnlyCollection<string> candidateNumbers, Acting acting,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(qualificationCode))
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose the qualification to register the candidates for.");
        }

        await using var session = store.LightweightSession();
        var qualification = await session.LoadAsync<BankQualification>(qualificationCode, cancellationToken)
            ?? throw new RefusedException(RefusalKind.Invalid, $"There is no qualification {qualificationCode} in the item bank; choose one from the list.");
        var wanted = candidateNumbers.Select(n => n.Trim().ToUpperInvariant()).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the candidate number of at least one candidate to register.");
        }

        var numbers = wanted.ToArray();
        var candidates = await session.Query<Candidate>().Where(c => c.CentreId == centreId && c.CandidateNumber.IsOneOf(numbers)).ToListAsync(cancellationToken);
        var unknown = wanted.Except(candidates.Select(c => c.CandidateNumber), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"No candidate here has the number(s) {string.Join(", ", unknown.Take(20))}; nobody was registered.");
        }

        var ids = candidates.Select(c => QualificationRegistration.IdFor(c.Id, qualification.Code)).ToArray();
        var already = (await session.LoadManyAsync<QualificationRegistration>(cancellationToken, ids)).Select(r => r.CandidateId).ToHashSet();
        var now = time.GetUtcNow();
        var registered = 0;
        foreach (var candidate in candidates.Where(c => !already.Contains(c.Id)))
        {
            var id = QualificationRegistration.IdFor(candidate.Id, qualification.Code);
            session.Start<QualificationRegistration>(id, new QualificationRegistered(id, candidate.Id, centreId, qualification.Code, acting.Actor, now));
            registered++;
        }

        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (StreamWrites.IsWriteConflict(exception))
        {
            throw new RefusedException(RefusalKind.Conflict, "Someone else registered some of these candidates at the same moment; nobody was registered by this. Look at the list and register again.");
        }

        return registered;
    }
}
