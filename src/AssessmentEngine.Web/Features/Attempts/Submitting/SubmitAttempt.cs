using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Submitting;

/// <summary>The candidate hands their attempt in. Submitting twice, or after the engine did, changes nothing.</summary>
public sealed class SubmitAttempt(IDocumentStore store, TimeProvider time)
{
    public async Task<Attempt> HandleAsync(Guid attemptId, Guid candidateId, string actor, CancellationToken cancellationToken = default)
    {
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<Attempt>(attemptId, cancellationToken) is not { } attempt || attempt.CandidateId != candidateId)
            {
                throw new AttemptRefusedException("There is no such attempt of yours.");
            }
        }

        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attemptId, attempt => AttemptDecisions.Submit(attempt, SubmissionReasons.Candidate, actor, now), cancellationToken);
        await using var after = store.QuerySession();
        return (await after.LoadAsync<Attempt>(attemptId, cancellationToken))!;
    }
}
