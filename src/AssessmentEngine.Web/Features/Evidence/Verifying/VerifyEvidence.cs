using System.Security.Claims;
using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Verifying;

/// <summary>The internal verifier of the submission's centre adds a judged version to their sample.</summary>
public sealed class SampleEvidence(IDocumentStore store, EvidenceForAssessors submissions, TimeProvider time)
{
    public async Task HandleAsync(ClaimsPrincipal user, Guid submissionId, int version, CancellationToken cancellationToken)
    {
        await submissions.OwnAsync(user, Role.Verifier, submissionId, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Submission>(submissionId,
            submission => SubmissionDecisions.Sample(submission, version, SubmissionDecisions.VerifiersChoice, user.Actor(), now), cancellationToken);
    }
}

/// <summary>The internal verifier of the submission's centre agrees or disagrees with the judgement of a version.</summary>
public sealed class VerifyEvidence(IDocumentStore store, EvidenceForAssessors submissions, TimeProvider time)
{
    public async Task HandleAsync(ClaimsPrincipal user, Guid submissionId, int version, bool agrees, string? comment, string sourceAddress, CancellationToken cancellationToken)
    {
        await submissions.OwnAsync(user, Role.Verifier, submissionId, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Submission>(submissionId,
            submission => SubmissionDecisions.Verify(submission, version, agrees, comment, user.Actor(), sourceAddress, now), cancellationToken);
    }
}
