using Marten;

namespace AssessmentEngine.Web.Features.Enrolments;

/// <summary>
/// What the window jobs need from the attempts taken on an enrolment. Attempts answers it (attempts use enrolments, so
/// enrolments name no attempt type): closing a window submits what is still under way, and reminders skip an occasion
/// already sat.
/// </summary>
public interface IWindowAttempts
{
    /// <summary>Submits every attempt still under way on the enrolment (reason window-closed) in the caller's unit of work; returns the events it added.</summary>
    Task<int> SubmitUnderWayAsync(IDocumentSession session, Guid enrolmentId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The enrolments with an attempt under way.</summary>
    Task<IReadOnlyList<Guid>> EnrolmentsUnderWayAsync(IQuerySession session, CancellationToken cancellationToken);

    /// <summary>The occasions already sat (submitted) on each of the enrolments.</summary>
    Task<IReadOnlySet<(Guid EnrolmentId, int Occasion)>> SatAsync(IQuerySession session, IReadOnlyCollection<Guid> enrolmentIds, CancellationToken cancellationToken);
}
