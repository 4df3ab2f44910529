using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Attempts;

public sealed class AttemptProjection : SingleStreamProjection<Attempt, Guid>
{
    public static Attempt Create(AttemptStarted started) => Attempt.Create(started);

    public static Attempt Apply(AttemptSubmitted submitted, Attempt attempt) => attempt.Apply(submitted);

    public static Attempt Apply(TimeOverrunLogged logged, Attempt attempt) => attempt.Apply(logged);
}

public static class AttemptStore
{
    public static StoreOptions ConfigureAttempts(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(AttemptStarted), typeof(AttemptSubmitted), typeof(TimeOverrunLogged)]);
        // Inline: whether an attempt is under way decides what the window's close and the time-up job do.
        options.Projections.Add<AttemptProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Attempt>()
            .Index(a => a.EnrolmentId)
            .Index(a => a.SittingId)
            .Index(a => a.CandidateId)
            .Index(a => a.Status);
        return options;
    }
}
