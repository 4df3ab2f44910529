namespace AssessmentEngine.Web.Features.Units;

// Written to the enrolment's stream (a candidate on a unit at a centre), beside its window. Every event says who and when.
// Decisions are numbered: after not yet competent and an assessment plan, the assessor records the next decision.

/// <summary>
/// The assessor's decision on the unit, signing its unit progress record: competent or not yet competent, the
/// justification, and what informed it (the test's provisional score, the evidence judgements, the gaps) as it stood.
/// </summary>
public sealed record UnitDecided(Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, int Number, string Decision, string Justification,
    string InformedBy, Guid AssessorId, string Assessor, DateTimeOffset DecidedAt);

/// <summary>The decision joins the internal verifier's sample: by the centre's rule, or because the verifier chose it.</summary>
public sealed record UnitDecisionSampled(Guid EnrolmentId, int Number, string Reason, string Actor, DateTimeOffset SampledAt);

/// <summary>The internal verifier countersigns the unit progress record, or disagrees (the assessor then decides again).</summary>
public sealed record UnitDecisionCountersigned(Guid EnrolmentId, int Number, bool Agrees, string Comment, Guid VerifierId, string Verifier, DateTimeOffset CountersignedAt);

/// <summary>One thing to do after not yet competent, and the date it is due.</summary>
public sealed record PlanAction(string What, DateOnly By);

/// <summary>What is missing after not yet competent: further evidence, a new test occasion drawing unseen items, by dates inside the window.</summary>
public sealed record AssessmentPlanAgreed(Guid EnrolmentId, int Number, IReadOnlyList<PlanAction> Actions, bool NewTestOccasion, string Actor, DateTimeOffset AgreedAt);

/// <summary>The centre sets the date the result is released on (once verified when sampled).</summary>
public sealed record UnitReleaseScheduled(Guid EnrolmentId, int Number, DateTimeOffset ReleaseOn, string Actor, DateTimeOffset ScheduledAt);

/// <summary>The result reaches the candidate: the decision, the feedback and what to do next.</summary>
public sealed record UnitResultReleased(Guid EnrolmentId, int Number, string Actor, DateTimeOffset ReleasedAt);
