using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Marking.Deciding;

/// <summary>
/// An assessor records competent or not yet competent with a justification; the centre's sampling rule then runs on the
/// decision and may put it in the verifier's sample.
/// </summary>
public sealed class RecordDecision(IDocumentStore store, MarkedAttempts attempts, TimeProvider time)
{
    public async Task HandleAsync(Guid attemptId, string? decision, string? justification, Staff assessor, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var marked = await attempts.LoadAsync(attemptId, Role.Assessor, user, cancellationToken);
        var now = time.GetUtcNow();
        var written = await store.DecideAsync<Attempt>(attemptId,
            current => MarkingDecisions.Decide(current, AttemptResult.Of(current, marked.Items, marked.Unit.Outcomes), decision, justification, assessor, now), cancellationToken);
        if (written.Count == 0 || written[0] is not AssessmentDecisionRecorded recorded)
        {
            return;
        }

        await using var session = store.QuerySession();
        var others = await session.Query<Attempt>()
            .Where(a => a.CentreId == marked.Attempt.CentreId && a.UnitCode == marked.Attempt.UnitCode && a.Decision != null && a.Id != attemptId)
            .ToListAsync(cancellationToken);
        // This assessor's "other" decisions: those the rule did not have to sample (not yet competent, near the pass mark).
        var mine = others.Where(a => a.Decision!.AssessorId == assessor.Id && a.Decision.Decision == Decisions.Competent
            && a.Sampled?.Reason.StartsWith("within", StringComparison.Ordinal) != true).ToList();
        var reason = SamplingRule.Reason(recorded, marked.Result, marked.Attempt.PassPercent,
            (mine.Count, mine.Count(a => a.Sampled?.Reason.StartsWith("one in", StringComparison.Ordinal) == true)));
        if (reason is not null)
        {
            await store.DecideAsync<Attempt>(attemptId, current => MarkingDecisions.Sample(current, reason, "sampling rule", now), cancellationToken);
        }
    }
}
