using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;

namespace AssessmentEngine.Web.Features.Units;

/// <summary>One decision on the unit, with what followed it: the sample, the countersignature, the plan and the release.</summary>
public sealed record UnitDecision(int Number, string Decision, string Justification, string InformedBy, Guid AssessorId, string Assessor, DateTimeOffset DecidedAt,
    UnitDecisionSampled? Sampled = null, UnitDecisionCountersigned? Countersignature = null, AssessmentPlanAgreed? Plan = null, DateTimeOffset? ReleaseOn = null,
    UnitResultReleased? Released = null)
{
    public bool Competent => Decision == Decisions.Competent;

    /// <summary>Verified or not needing it: not sampled, or countersigned in agreement.</summary>
    public bool Verified => Sampled is null || Countersignature is { Agrees: true };

    /// <summary>The verifier disagreed: the decision stands for nothing until the assessor decides again.</summary>
    public bool Disputed => Countersignature is { Agrees: false };
}

public enum UnitStatus
{
    /// <summary>No decision yet.</summary>
    InProgress,

    /// <summary>Decided; the result waits for the centre's release.</summary>
    Decided,

    /// <summary>Decided and sampled: waits for the internal verifier's countersignature.</summary>
    AwaitingCountersignature,

    /// <summary>The verifier disagreed: the assessor decides again.</summary>
    Disputed,

    /// <summary>Countersigned; the result waits for the centre's release.</summary>
    Verified,

    /// <summary>The candidate has their result.</summary>
    Released,
}

/// <summary>
/// The unit's decisions for one enrolment, projected from the enrolment's stream. The latest decision is the one that
/// counts; earlier ones (not yet competent, or disputed by the verifier) stay as the record of how the unit was reached.
/// </summary>
public sealed record UnitOutcome(Guid Id, Guid CandidateId, Guid CentreId, string UnitCode)
{
    public IReadOnlyList<UnitDecision> Decisions { get; init; } = [];

    public UnitDecision? Current => Decisions.Count == 0 ? null : Decisions[^1];

    /// <summary>The latest decision the candidate has been given.</summary>
    public UnitDecision? LatestReleased => Decisions.LastOrDefault(d => d.Released is not null);

    /// <summary>Competent, verified where sampled, and released to the candidate: the unit counts toward the award.</summary>
    public bool Achieved => Current is { Competent: true, Verified: true, Released: not null };

    public UnitStatus Status => Current switch
    {
        null => UnitStatus.InProgress,
        { Released: not null } => UnitStatus.Released,
        { Disputed: true } => UnitStatus.Disputed,
        { Sampled: not null, Countersignature: null } => UnitStatus.AwaitingCountersignature,
        { Countersignature: not null } => UnitStatus.Verified,
        _ => UnitStatus.Decided,
    };

    /// <summary>An outcome not written to yet: an enrolment made before unit decisions were kept.</summary>
    public static UnitOutcome For(Enrolment enrolment) => new(enrolment.Id, enrolment.CandidateId, enrolment.CentreId, enrolment.UnitCode);

    public static UnitOutcome Create(CandidateEnrolled enrolled) => new(enrolled.EnrolmentId, enrolled.CandidateId, enrolled.CentreId, enrolled.UnitCode);

    public static UnitOutcome Create(UnitDecided decided) => new UnitOutcome(decided.EnrolmentId, decided.CandidateId, decided.CentreId, decided.UnitCode).Apply(decided);

    public UnitOutcome Apply(UnitDecided decided) => this with
    {
        Decisions = [.. Decisions, new UnitDecision(decided.Number, decided.Decision, decided.Justification, decided.InformedBy, decided.AssessorId, decided.Assessor, decided.DecidedAt)],
    };

    public UnitOutcome Apply(UnitDecisionSampled sampled) => With(sampled.Number, d => d with { Sampled = sampled });

    public UnitOutcome Apply(UnitDecisionCountersigned countersigned) => With(countersigned.Number, d => d with { Countersignature = countersigned });

    public UnitOutcome Apply(AssessmentPlanAgreed plan) => With(plan.Number, d => d with { Plan = plan });

    public UnitOutcome Apply(UnitReleaseScheduled scheduled) => With(scheduled.Number, d => d with { ReleaseOn = scheduled.ReleaseOn });

    public UnitOutcome Apply(UnitResultReleased released) => With(released.Number, d => d with { Released = released });

    private UnitOutcome With(int number, Func<UnitDecision, UnitDecision> change) => this with
    {
        Decisions = Decisions.Select(d => d.Number == number ? change(d) : d).ToList(),
    };
}
