using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Sittings;

public sealed class SittingProjection : SingleStreamProjection<Sitting, Guid>
{
    public static Sitting Create(SittingScheduled scheduled) => Sitting.Create(scheduled);

    public static Sitting Apply(CandidateBooked booked, Sitting sitting) => sitting.Apply(booked);

    public static Sitting Apply(AccessCodeIssued issued, Sitting sitting) => sitting.Apply(issued);

    public static Sitting Apply(SittingEnded ended, Sitting sitting) => sitting.Apply(ended);

    // The log keeps these; the sitting's state does not change.
    public static Sitting Apply(MessageSent sent, Sitting sitting) => sitting;

    public static Sitting Apply(IncidentLogged logged, Sitting sitting) => sitting;

    public static Sitting Apply(Identity.CandidateSignInCodeReissued reissued, Sitting sitting) => sitting;
}

public static class SittingStore
{
    public static StoreOptions ConfigureSittings(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(SittingScheduled), typeof(CandidateBooked), typeof(AccessCodeIssued), typeof(MessageSent), typeof(IncidentLogged), typeof(SittingEnded)]);
        options.Projections.Add<SittingProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Sitting>().Index(s => s.CentreId).Index(s => s.StartsAt);
        return options;
    }
}
