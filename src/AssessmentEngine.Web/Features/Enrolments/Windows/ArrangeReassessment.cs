using AssessmentEngine.Web.Features.Identity.Registering;

namespace AssessmentEngine.Web.Features.Enrolments.Windows;

/// <summary>Arranges another occasion (a reassessment) inside the candidate's open window, with the reason.</summary>
public sealed class ArrangeReassessment(EnrolmentWrites writes)
{
    public Task<Enrolment> HandleAsync(Guid centreId, Guid enrolmentId, string? reason, Acting acting, CancellationToken cancellationToken = default) =>
        writes.DecideAsync(centreId, enrolmentId, (enrolment, _, now) => EnrolmentDecisions.ArrangeReassessment(enrolment, reason, acting.Actor, now), cancellationToken);
}
