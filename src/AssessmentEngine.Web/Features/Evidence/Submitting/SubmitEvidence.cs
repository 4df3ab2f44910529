using System.Security.Claims;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Submitting;

/// <summary>The candidate's actions on their draft: submit it as a new version (declaring it their own), or take a file out.</summary>
public sealed class SubmitEvidence(IDocumentStore store, CandidateBriefs briefs, IEvidenceFileStore files, TimeProvider time)
{
    public async Task<int> SubmitAsync(ClaimsPrincipal user, Guid enrolmentId, string briefId, bool declared, string sourceAddress, CancellationToken cancellationToken)
    {
        var brief = await briefs.OwnAsync(user, enrolmentId, briefId, cancellationToken);
        brief.EnsureMaySubmit(time.GetUtcNow());
        var events = await store.DecideAsync<Submission>(brief.SubmissionId,
            submission => [SubmissionDecisions.Submit(submission, brief.Revision, declared, user.Actor(), sourceAddress, time.GetUtcNow())], cancellationToken);
        return events.OfType<EvidenceSubmitted>().FirstOrDefault()?.Version
               ?? throw new RefusedException(RefusalKind.Invalid, "Upload at least one file before you submit.");
    }

    public async Task RemoveAsync(ClaimsPrincipal user, Guid enrolmentId, string briefId, Guid fileId, CancellationToken cancellationToken)
    {
        var brief = await briefs.OwnAsync(user, enrolmentId, briefId, cancellationToken);
        var events = await store.DecideAsync<Submission>(brief.SubmissionId,
            submission => [SubmissionDecisions.Remove(submission, fileId, user.Actor(), time.GetUtcNow())], cancellationToken);
        if (events.Count > 0)
        {
            await files.DeleteAsync(fileId, cancellationToken);
            await using var session = store.LightweightSession();
            session.Delete<Uploading.PendingScan>(fileId);
            session.Delete<Uploading.EvidenceUpload>(fileId);
            await session.SaveChangesAsync(cancellationToken);
        }
    }
}
