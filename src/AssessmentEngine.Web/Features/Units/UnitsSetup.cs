using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Units.Countersigning;
using AssessmentEngine.Web.Features.Units.Deciding;
using AssessmentEngine.Web.Features.Units.Releasing;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Units;

public sealed class UnitOutcomeProjection : SingleStreamProjection<UnitOutcome, Guid>
{
    public static UnitOutcome Create(CandidateEnrolled enrolled) => UnitOutcome.Create(enrolled);

    public static UnitOutcome Create(UnitDecided decided) => UnitOutcome.Create(decided);

    public static UnitOutcome Apply(UnitDecided decided, UnitOutcome outcome) => outcome.Apply(decided);

    public static UnitOutcome Apply(UnitDecisionSampled sampled, UnitOutcome outcome) => outcome.Apply(sampled);

    public static UnitOutcome Apply(UnitDecisionCountersigned countersigned, UnitOutcome outcome) => outcome.Apply(countersigned);

    public static UnitOutcome Apply(AssessmentPlanAgreed plan, UnitOutcome outcome) => outcome.Apply(plan);

    public static UnitOutcome Apply(UnitReleaseScheduled scheduled, UnitOutcome outcome) => outcome.Apply(scheduled);

    public static UnitOutcome Apply(UnitResultReleased released, UnitOutcome outcome) => outcome.Apply(released);
}

public static class UnitsSetup
{
    public static StoreOptions ConfigureUnits(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(UnitDecided), typeof(UnitDecisionSampled), typeof(UnitDecisionCountersigned), typeof(AssessmentPlanAgreed),
            typeof(UnitReleaseScheduled), typeof(UnitResultReleased)]);
        options.Projections.Add<UnitOutcomeProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<UnitOutcome>().Index(o => o.CandidateId).Index(o => o.CentreId);
        return options;
    }

    public static IServiceCollection AddUnits(this IServiceCollection services)
    {
        services.AddScoped<UnitsForStaff>();
        services.AddScoped<CandidateResults>();
        services.AddScoped<Attempts.ICandidateUnits, CandidateUnitsForHome>();
        services.AddScoped<DecideUnit>();
        services.AddScoped<CountersignUnit>();
        services.AddScoped<ReleaseResults>();
        services.AddScoped<ReleaseDueResultsJob>();
        return services;
    }
}
