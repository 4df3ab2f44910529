using AssessmentEngine.Web.Features.Identity.Registering;

namespace AssessmentEngine.Web.Features.Enrolments.Windows;

/// <summary>Moves an agreed window's last day later, with the reason, and schedules the new close.</summary>
public sealed class ExtendWindow(EnrolmentWrites writes)
{
    public Task<Enrolment> HandleAsync(Guid centreId, Guid enrolmentId, DateOnly lastDay, string? reason, Acting acting, CancellationToken cancellationToken = default) =>
        writes.DecideAsync(centreId, enrolmentId, (enrolment, zone, now) => EnrolmentDecisions.ExtendWindow(enrolment, lastDay, zone, reason, acting.Actor, now), cancellationToken);
}
