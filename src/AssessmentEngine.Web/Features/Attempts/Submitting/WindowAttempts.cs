using AssessmentEngine.Web.Features.Enrolments;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Submitting;

/// <summary>The attempts on an enrolment, as its window jobs need them.</summary>
public sealed class WindowAttempts : IWindowAttempts
{
    public async Task<int> SubmitUnderWayAsync(IDocumentSession session, Guid enrolmentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await session.Query<Attempt>().Where(a => a.EnrolmentId == enrolmentId && a.Status == AttemptStatus.InProgress)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var submitted = 0;
        foreach (var attemptId in open)
        {
            var stream = await session.Events.FetchForWriting<Attempt>(attemptId, cancellationToken);
            var items = await PinnedItems.LoadAsync(session, stream.Aggregate!.Form!, cancellationToken);
            var events = AttemptDecisions.Submit(stream.Aggregate, SubmissionReasons.WindowClosed, EngineActor.Name, now, items).ToList();
            stream.AppendMany(events);
            submitted += events.Count;
        }

        return submitted;
    }

    public async Task<IReadOnlyList<Guid>> EnrolmentsUnderWayAsync(IQuerySession session, CancellationToken cancellationToken) =>
        (await session.Query<Attempt>().Where(a => a.Status == AttemptStatus.InProgress).Select(a => a.EnrolmentId)
            .ToListAsync(cancellationToken)).Distinct().ToList();

    public async Task<IReadOnlySet<(Guid EnrolmentId, int Occasion)>> SatAsync(IQuerySession session, IReadOnlyCollection<Guid> enrolmentIds, CancellationToken cancellationToken)
    {
        var ids = enrolmentIds.ToArray();
        return (await session.Query<Attempt>().Where(a => a.EnrolmentId.IsOneOf(ids) && a.Status == AttemptStatus.Submitted)
            .Select(a => new { a.EnrolmentId, a.Occasion }).ToListAsync(cancellationToken)).Select(a => (a.EnrolmentId, a.Occasion)).ToHashSet();
    }
}
