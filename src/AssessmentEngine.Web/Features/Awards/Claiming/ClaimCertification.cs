using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Awards.Claiming;

/// <summary>
/// Marks candidates' certificates as claimed from the awarding body: each must be registered at the centre for the
/// qualification, meet its rules of combination, and not be claimed already. Checked for all before any is claimed.
/// </summary>
public sealed class ClaimCertification(IDocumentStore store, TimeProvider time)
{
    public async Task<int> HandleAsync(Guid centreId, string qualificationCode, IReadOnlyCollection<Guid> candidateIds, Acting acting, CancellationToken cancellationToken = default)
    {
        if (candidateIds.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose at least one candidate whose certificate was claimed.");
        }

        IReadOnlyList<CandidateAward> standings;
        await using (var session = store.QuerySession())
        {
            standings = (await AwardStandings.ForCentreAsync(session, centreId, cancellationToken)).Where(s => s.Registration.QualificationCode == qualificationCode).ToList();
        }

        var chosen = candidateIds.Distinct().Select(id => standings.FirstOrDefault(s => s.Candidate.Id == id)).ToList();
        if (chosen.Any(s => s is null))
        {
            throw new RefusedException(RefusalKind.Invalid, $"Some of the chosen candidates are not registered here for {qualificationCode}; nothing was claimed.");
        }

        var now = time.GetUtcNow();
        foreach (var standing in chosen.OfType<CandidateAward>())
        {
            // Refuses before anything is written when a candidate is not ready (or claimed already).
            _ = AwardDecisions.Claim(standing.Registration, standing.Progress, Describe(standing), acting.Actor, now).ToList();
        }

        foreach (var standing in chosen.OfType<CandidateAward>())
        {
            await store.DecideAsync<QualificationRegistration>(standing.Registration.Id,
                registration => AwardDecisions.Claim(registration, standing.Progress, Describe(standing), acting.Actor, now), cancellationToken);
        }

        return chosen.Count;
    }

    private static string Describe(CandidateAward standing) => $"{standing.Candidate.Name} ({standing.Candidate.CandidateNumber})";
}
