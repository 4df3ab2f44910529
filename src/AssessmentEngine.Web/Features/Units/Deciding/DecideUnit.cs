using System.Security.Claims;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Units.Deciding;

/// <summary>What the assessor's form gives: the decision, its justification and, after not yet competent, the plan.</summary>
public sealed record UnitDecisionForm(string? Decision, string? Justification, IReadOnlyList<PlanAction> Plan, bool NewTestOccasion);

/// <summary>
/// The assessor records the unit's decision, signing its unit progress record; not yet competent opens the assessment
/// plan (and a new test occasion when asked). The centre's sampling rule then runs on the decision.
/// </summary>
public sealed class DecideUnit(IDocumentStore store, UnitsForStaff units, TimeProvider time)
{
    public async Task<UnitDecided> HandleAsync(ClaimsPrincipal user, Guid enrolmentId, UnitDecisionForm form, CancellationToken cancellationToken = default)
    {
        var unit = await units.LoadAsync(user, Role.Assessor, enrolmentId, cancellationToken);
        var assessor = new Staff(user.Id(), user.Actor());
        var now = time.GetUtcNow();
        var zone = unit.Found.Centre.Zone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var enrolment = unit.Found.Enrolment;
        var lastDay = enrolment.Window is { } window ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(window.Closes, zone).DateTime) : (DateOnly?)null;
        UnitDecided? decided = null;
        await store.DecideOnViewAsync<UnitOutcome>(enrolmentId, enrolmentId, current =>
        {
            var events = UnitDecisions.Decide(current ?? UnitOutcome.For(enrolment), unit.Readiness, form.Decision, form.Justification, form.Plan, form.NewTestOccasion,
                today, lastDay, assessor, now).ToList();
            if (form.NewTestOccasion && events.Any(e => e is AssessmentPlanAgreed))
            {
                events.Add(EnrolmentDecisions.ArrangeReassessment(enrolment, "not yet competent: a new test occasion in the assessment plan", assessor.Actor, now));
            }

            decided = events.OfType<UnitDecided>().Single();
            return events;
        }, cancellationToken);

        await SampleAsync(decided!, cancellationToken);
        return decided!;
    }

    private async Task SampleAsync(UnitDecided decided, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var atCentre = await session.Query<UnitOutcome>().Where(o => o.CentreId == decided.CentreId && o.UnitCode == decided.UnitCode && o.Id != decided.EnrolmentId)
            .ToListAsync(cancellationToken);
        var earlier = atCentre.SelectMany(o => o.Decisions).Count(d => d.AssessorId == decided.AssessorId && d.Competent);
        if (UnitSamplingRule.Reason(decided, earlier) is { } reason)
        {
            await store.DecideAsync<UnitOutcome>(decided.EnrolmentId, outcome => UnitDecisions.Sample(outcome, decided.Number, reason, "sampling rule", decided.DecidedAt),
                cancellationToken);
        }
    }
}
