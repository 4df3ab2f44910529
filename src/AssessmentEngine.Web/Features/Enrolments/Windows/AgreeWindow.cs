using AssessmentEngine.Web.Features.Identity.Registering;

namespace AssessmentEngine.Web.Features.Enrolments.Windows;

/// <summary>Agrees the start of an enrolment's window (with whom it was agreed) and schedules the window's close.</summary>
public sealed class AgreeWindow(EnrolmentWrites writes)
{
    public Task<Enrolment> HandleAsync(Guid centreId, Guid enrolmentId, DateOnly start, string agreedWith, Acting acting, CancellationToken cancellationToken = default) =>
        writes.DecideAsync(centreId, enrolmentId, (enrolment, zone, now) => EnrolmentDecisions.AgreeWindow(enrolment, start, zone, agreedWith, acting.Actor, now), cancellationToken);
}
