using System.Security.Claims;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.CrossReferencing;

/// <summary>
/// An assessor of the centre counts a judged version of a submission for another unit its candidate is enrolled on there
/// (the seed's integration of assessment): the statements of that unit it shows, with a comment. That unit's record then
/// lists the evidence under those statements.
/// </summary>
public sealed class CrossReferenceEvidence(IDocumentStore store, IQuerySession session, EvidenceForAssessors submissions, TimeProvider time)
{
    /// <summary>The candidate's other units at the submission's centre, in unit order.</summary>
    public Task<IReadOnlyList<OtherUnit>> OtherUnitsAsync(Submission submission, CancellationToken cancellationToken) =>
        OtherUnits.OfAsync(session, submission.CandidateId, submission.CentreId, submission.UnitCode, cancellationToken);

    /// <summary>Counts the version for the enrolment's unit; the unit's code.</summary>
    public async Task<string> HandleAsync(ClaimsPrincipal user, Guid submissionId, int version, Guid? enrolmentId, IReadOnlyList<string> statements, string? comment,
        string sourceAddress, CancellationToken cancellationToken)
    {
        var found = await submissions.OwnAsync(user, Role.Assessor, submissionId, cancellationToken);
        var enrolment = enrolmentId is { } id ? await session.LoadAsync<Enrolment>(id, cancellationToken) : null;
        var unit = enrolment is null ? null : await session.LoadAsync<BankUnit>(enrolment.UnitCode, cancellationToken);
        var unitStatements = (unit?.Outcomes ?? []).SelectMany(o => o.Statements).Select(s => s.Reference).Distinct().ToList();
        await store.DecideAsync<Submission>(found.Submission.Id, submission =>
            [SubmissionDecisions.CrossReference(submission, version, enrolment, unitStatements, statements, comment, user.Actor(), sourceAddress, time.GetUtcNow())],
            cancellationToken);
        return enrolment!.UnitCode;
    }
}
