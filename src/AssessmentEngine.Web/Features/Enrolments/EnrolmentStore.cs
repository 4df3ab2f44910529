using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Enrolments;

public sealed class EnrolmentProjection : SingleStreamProjection<Enrolment, Guid>
{
    public static Enrolment Create(CandidateEnrolled enrolled) => Enrolment.Create(enrolled);

    public static Enrolment Apply(WindowAgreed agreed, Enrolment enrolment) => enrolment.Apply(agreed);

    public static Enrolment Apply(WindowExtended extended, Enrolment enrolment) => enrolment.Apply(extended);

    public static Enrolment Apply(WindowClosed closed, Enrolment enrolment) => enrolment.Apply(closed);

    public static Enrolment Apply(ReassessmentArranged arranged, Enrolment enrolment) => enrolment.Apply(arranged);
}

public static class EnrolmentStore
{
    public static StoreOptions ConfigureEnrolments(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(CandidateEnrolled), typeof(WindowAgreed), typeof(WindowExtended), typeof(WindowClosed), typeof(ReassessmentArranged)]);
        options.Projections.Add<EnrolmentProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Enrolment>().Index(e => e.CandidateId).Index(e => e.CentreId);
        return options;
    }
}
