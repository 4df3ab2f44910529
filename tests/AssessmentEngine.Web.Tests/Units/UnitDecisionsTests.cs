using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Units;

/// <summary>The rules of a unit's decision, countersignature and release, as pure functions of its outcome so far.</summary>
public sealed class UnitDecisionsTests
{
    private static readonly Staff Assessor = new(Guid.NewGuid(), "assessor@example.org");
    private static readonly Staff Verifier = new(Guid.NewGuid(), "verifier@example.org");
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 12, 7);
    private static readonly DateOnly LastDay = new(2027, 1, 17);
    private static readonly UnitReadiness Ready = new([], [], 0, true, false, "Everything is in.");
    private static readonly PlanAction Resubmit = new("Resubmit the report with your own organisation's complaint figures", new DateOnly(2026, 12, 21));

    private static UnitOutcome Fresh() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35");

    private static UnitOutcome Applied(UnitOutcome outcome, IEnumerable<object> events) => events.Aggregate(outcome, (current, e) => e switch
    {
        UnitDecided d => current.Apply(d),
        UnitDecisionSampled s => current.Apply(s),
        UnitDecisionCountersigned c => current.Apply(c),
        AssessmentPlanAgreed p => current.Apply(p),
        UnitReleaseScheduled r => current.Apply(r),
        UnitResultReleased r => current.Apply(r),
        _ => current,
    });

    private static List<object> Decide(UnitOutcome outcome, UnitReadiness readiness, string? decision, string? justification = "The evidence meets the standard.",
        IReadOnlyList<PlanAction>? plan = null, bool newTestOccasion = false) =>
        UnitDecisions.Decide(outcome, readiness, decision, justification, plan ?? [], newTestOccasion, Today, LastDay, Assessor, Now).ToList();

    private static string Refusal(Func<object> act) => Assert.Throws<RefusedException>(act).Message;

    [Fact]
    public void Competent_needs_everything_the_methods_require_marked_and_judged_and_no_statement_left_without_evidence()
    {
        Assert.Contains("no online test has been taken", Refusal(() => Decide(Fresh(), Ready with { Missing = ["no online test has been taken"] }, Decisions.Competent)),
            StringComparison.Ordinal);
        Assert.Contains("2 statement(s) have nothing showing them", Refusal(() => Decide(Fresh(), Ready with { Gaps = 2 }, Decisions.Competent)), StringComparison.Ordinal);
        Assert.Contains("Not everything is in yet: the online test has 1 response(s) to mark",
            Refusal(() => Decide(Fresh(), Ready with { Waiting = ["the online test has 1 response(s) to mark"] }, Decisions.NotYetCompetent, plan: [Resubmit])), StringComparison.Ordinal);

        var decided = Assert.IsType<UnitDecided>(Assert.Single(Decide(Fresh(), Ready, Decisions.Competent)));
        Assert.Equal((1, Decisions.Competent, "Everything is in.", Assessor.Id), (decided.Number, decided.Decision, decided.InformedBy, decided.AssessorId));
    }

    [Fact]
    public void A_decision_needs_a_choice_and_a_justification_of_bounded_length()
    {
        Assert.Equal("Choose competent or not yet competent.", Refusal(() => Decide(Fresh(), Ready, null)));
        Assert.Equal("Choose competent or not yet competent.", Refusal(() => Decide(Fresh(), Ready, "pass")));
        Assert.StartsWith("Give the justification", Refusal(() => Decide(Fresh(), Ready, Decisions.Competent, "  ")), StringComparison.Ordinal);
        Assert.Equal("Keep the justification to 4,000 characters.", Refusal(() => Decide(Fresh(), Ready, Decisions.Competent, new string('x', 4001))));
    }

    [Fact]
    public void Not_yet_competent_opens_a_plan_whose_actions_fall_inside_the_window()
    {
        Assert.StartsWith("Not yet competent needs an assessment plan", Refusal(() => Decide(Fresh(), Ready, Decisions.NotYetCompetent)), StringComparison.Ordinal);
        Assert.Contains("extend the window first, with the reason",
            Refusal(() => Decide(Fresh(), Ready, Decisions.NotYetCompetent, plan: [Resubmit with { By = LastDay.AddDays(1) }])), StringComparison.Ordinal);
        Assert.Contains("which has passed", Refusal(() => Decide(Fresh(), Ready, Decisions.NotYetCompetent, plan: [Resubmit with { By = Today.AddDays(-1) }])),
            StringComparison.Ordinal);
        Assert.Contains("at most 500 characters", Refusal(() => Decide(Fresh(), Ready, Decisions.NotYetCompetent, plan: [Resubmit with { What = new string('x', 501) }])),
            StringComparison.Ordinal);
        Assert.StartsWith("Nothing has been marked or judged yet and the window is open",
            Refusal(() => Decide(Fresh(), Ready with { AnythingIn = false }, Decisions.NotYetCompetent, plan: [Resubmit])), StringComparison.Ordinal);

        // Nothing came in but the window has closed: not yet competent, with a new occasion as the plan.
        var events = Decide(Fresh(), Ready with { AnythingIn = false, WindowClosed = true }, Decisions.NotYetCompetent, plan: [], newTestOccasion: true);
        var plan = Assert.IsType<AssessmentPlanAgreed>(events.Last());
        Assert.True(plan.NewTestOccasion);
        Assert.Empty(plan.Actions);

        var planned = Assert.IsType<AssessmentPlanAgreed>(Decide(Fresh(), Ready, Decisions.NotYetCompetent, plan: [Resubmit with { What = "  Resubmit  " }]).Last());
        Assert.Equal("Resubmit", Assert.Single(planned.Actions).What);
    }

    [Fact]
    public void A_competent_decision_stands_while_not_yet_competent_or_one_the_verifier_disputed_is_decided_again()
    {
        var competent = Applied(Fresh(), Decide(Fresh() with { }, Ready, Decisions.Competent));
        Assert.Contains("recorded this unit as competent", Refusal(() => Decide(competent, Ready, Decisions.Competent)), StringComparison.Ordinal);

        var disputed = Applied(competent, UnitDecisions.Countersign(competent, false, "The report does not show 2.2.", false, Verifier, Now).ToList());
        Assert.Equal(UnitStatus.Disputed, disputed.Status);
        Assert.Equal(2, Assert.IsType<UnitDecided>(Decide(disputed, Ready, Decisions.NotYetCompetent, plan: [Resubmit]).First()).Number);

        var notYet = Applied(Fresh(), Decide(Fresh(), Ready, Decisions.NotYetCompetent, plan: [Resubmit]));
        var again = Applied(notYet, Decide(notYet, Ready, Decisions.Competent));
        Assert.Equal([Decisions.NotYetCompetent, Decisions.Competent], again.Decisions.Select(d => d.Decision));
        Assert.Equal(Resubmit, Assert.Single(again.Decisions[0].Plan!.Actions));
    }

    [Fact]
    public void Nobody_countersigns_a_unit_they_assessed_and_a_verifier_may_countersign_one_the_rule_did_not_sample()
    {
        var outcome = Fresh();
        var decided = Applied(outcome, Decide(outcome, Ready, Decisions.Competent));
        Assert.Equal("The assessor has not decided this unit yet.", Refusal(() => UnitDecisions.Countersign(outcome, true, "Fine", false, Verifier, Now).ToList()));
        Assert.Contains("must never internally verify their own", Refusal(() => UnitDecisions.Countersign(decided, true, "Fine", false, Assessor, Now).ToList()),
            StringComparison.Ordinal);
        Assert.Contains("must never internally verify their own", Refusal(() => UnitDecisions.Countersign(decided, true, "Fine", true, Verifier, Now).ToList()),
            StringComparison.Ordinal);
        Assert.Equal("Say whether you agree with the decision.", Refusal(() => UnitDecisions.Countersign(decided, null, "Fine", false, Verifier, Now).ToList()));
        Assert.StartsWith("Give a comment", Refusal(() => UnitDecisions.Countersign(decided, true, " ", false, Verifier, Now).ToList()), StringComparison.Ordinal);

        var events = UnitDecisions.Countersign(decided, true, "Sound decision.", false, Verifier, Now).ToList();
        Assert.Equal("chosen by the verifier", Assert.IsType<UnitDecisionSampled>(events[0]).Reason);
        var signed = Applied(decided, events);
        Assert.Equal(UnitStatus.Verified, signed.Status);
        Assert.Contains("has already countersigned", Refusal(() => UnitDecisions.Countersign(signed, true, "Again", false, Verifier, Now).ToList()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_is_released_once_its_sample_is_countersigned_and_only_once_and_counts_toward_the_award_only_if_competent()
    {
        var outcome = Fresh();
        var sampled = Applied(outcome, [.. Decide(outcome, Ready, Decisions.Competent), .. UnitDecisions.Sample(Applied(outcome, Decide(outcome, Ready, Decisions.Competent)), 1, "first", "rule", Now)]);
        Assert.Equal(UnitStatus.AwaitingCountersignature, sampled.Status);
        Assert.Contains("release it once it is countersigned", Refusal(() => UnitDecisions.Release(sampled, "officer", Now).ToList()), StringComparison.Ordinal);

        var disputed = Applied(sampled, UnitDecisions.Countersign(sampled, false, "2.2 not shown", false, Verifier, Now));
        Assert.Contains("the assessor decides again", Refusal(() => UnitDecisions.Release(disputed, "officer", Now).ToList()), StringComparison.Ordinal);

        var signed = Applied(sampled, UnitDecisions.Countersign(sampled, true, "Sound", false, Verifier, Now));
        Assert.False(signed.Achieved);
        var released = Applied(signed, UnitDecisions.Release(signed, "officer", Now));
        Assert.True(released.Achieved);
        Assert.Equal(UnitStatus.Released, released.Status);
        Assert.Equal("This result has already been released.", Refusal(() => UnitDecisions.Release(released, "officer", Now).ToList()));

        var notYet = Applied(outcome, Decide(outcome, Ready, Decisions.NotYetCompetent, plan: [Resubmit]));
        Assert.False(Applied(notYet, UnitDecisions.Release(notYet, "officer", Now)).Achieved);
    }

    [Fact]
    public void A_release_date_releases_the_result_when_it_comes_once_the_sample_is_countersigned()
    {
        var outcome = Fresh();
        var decided = Applied(outcome, Decide(outcome, Ready, Decisions.Competent));
        Assert.StartsWith("Choose a release date in the future", Refusal(() => UnitDecisions.ScheduleRelease(decided, Now.AddHours(-1), "officer", Now).ToList()),
            StringComparison.Ordinal);
        Assert.Equal("Choose a release date within a year.", Refusal(() => UnitDecisions.ScheduleRelease(decided, Now.AddYears(2), "officer", Now).ToList()));
        var on = Now.AddDays(3);
        var scheduled = Applied(decided, [.. UnitDecisions.ScheduleRelease(decided, on, "officer", Now), new UnitDecisionSampled(outcome.Id, 1, "first", "rule", Now)]);
        Assert.Empty(UnitDecisions.ReleaseIfDue(scheduled, on.AddMinutes(-1)));
        Assert.Empty(UnitDecisions.ReleaseIfDue(scheduled, on.AddMinutes(1))); // due, but waiting for the countersignature

        var signed = Applied(scheduled, UnitDecisions.Countersign(scheduled, true, "Sound", false, Verifier, on.AddDays(1)));
        var released = Assert.IsType<UnitResultReleased>(Assert.Single(UnitDecisions.ReleaseIfDue(signed, on.AddDays(1))));
        Assert.Equal("the centre's release date", released.Actor);
    }

    [Fact]
    public void The_sample_takes_every_not_yet_competent_each_assessors_first_competent_and_about_one_in_five_after()
    {
        UnitDecided Decided(string decision) => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", 1, decision, "why", "what", Assessor.Id, Assessor.Actor, Now);
        Assert.Equal("not yet competent", UnitSamplingRule.Reason(Decided(Decisions.NotYetCompetent), 10));
        Assert.Equal("assessor@example.org's first competent decision on FE6V 35", UnitSamplingRule.Reason(Decided(Decisions.Competent), 0));
        var drawn = Enumerable.Range(0, 500).Count(_ => UnitSamplingRule.Reason(Decided(Decisions.Competent), 3) is not null);
        Assert.InRange(drawn, 60, 150);
        var same = Decided(Decisions.Competent);
        Assert.Equal(UnitSamplingRule.Reason(same, 3), UnitSamplingRule.Reason(same, 3));
    }
}
