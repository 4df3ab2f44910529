using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>Given an attempt, when the clock or a command comes, then these events: no database.</summary>
public sealed class AttemptDecisionTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly Form TwoItems = new("t", 1, [new FormItem("q1", "h1", 1, ["a", "b"], []), new FormItem("q2", "h2", 1, [], [])], [], [], []);
    private static readonly IReadOnlyDictionary<string, Item> NoItemsNeeded = new Dictionary<string, Item>();

    private static Attempt Waiting()
    {
        var id = Guid.NewGuid();
        return Attempt.Create(new CandidateCheckedIn(id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", "t", 1, "candidate", Start.AddMinutes(-10)));
    }

    private static Attempt Started(TimeLimit limit, int extraTimePercent = 0)
    {
        var attempt = Waiting();
        attempt = attempt.Apply(new CandidateAdmitted(attempt.Id, TwoItems, "salt", true, "invigilator", Start.AddMinutes(-5)));
        attempt = attempt.Apply((AttemptStarted)Assert.Single(AttemptDecisions.Start(attempt, 60, extraTimePercent, limit, 60, "candidate", Start)));
        return attempt.Apply(new AttemptOpened(attempt.Id, "page-1", "candidate", Start));
    }

    private static Attempt Submitted(Attempt attempt, DateTimeOffset at) =>
        attempt.Apply(new AttemptSubmitted(attempt.Id, SubmissionReasons.Candidate, "hash", "candidate", at));

    [Fact]
    public void The_deadline_is_the_start_plus_the_duration_with_extra_time()
    {
        Assert.Equal(Start.AddMinutes(75), Started(TimeLimit.Hard, extraTimePercent: 25).Deadline);
    }

    [Fact]
    public void A_candidate_not_yet_admitted_cannot_start()
    {
        var refusal = Assert.Throws<RefusedException>(() => AttemptDecisions.Start(Waiting(), 60, 0, TimeLimit.Hard, 60, "candidate", Start).ToList());
        Assert.Equal("The invigilator has not admitted you yet.", refusal.Message);
    }

    [Fact]
    public void Admission_needs_the_identity_checked()
    {
        var refusal = Assert.Throws<RefusedException>(() => AttemptDecisions.Admit(Waiting(), TwoItems, "salt", false, "invigilator", Start).ToList());
        Assert.Contains("identity", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_the_deadline_time_up_does_nothing()
    {
        Assert.Empty(AttemptDecisions.TimeUp(Started(TimeLimit.Hard), Start.AddMinutes(59), NoItemsNeeded));
    }

    [Fact]
    public void A_soft_limit_logs_the_overrun_once_and_leaves_the_attempt_open()
    {
        var attempt = Started(TimeLimit.Soft);
        var logged = Assert.IsType<TimeOverrunLogged>(Assert.Single(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(60), NoItemsNeeded)));
        attempt = attempt.Apply(logged);
        Assert.True(attempt.InProgress);
        Assert.Empty(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(90), NoItemsNeeded));
        var outcome = AttemptDecisions.Save(attempt, "page-1", [new Change(1, "q2", new Response(Text: "late but allowed"), null)], Start.AddMinutes(91));
        Assert.IsType<AnswerSaved>(Assert.Single(outcome.Events));
    }

    [Fact]
    public void A_save_sent_twice_is_acknowledged_twice_and_written_once()
    {
        var attempt = Started(TimeLimit.Hard);
        var first = AttemptDecisions.Save(attempt, "page-1", [new Change(1, "q2", new Response(Text: "one"), null)], Start.AddMinutes(1));
        attempt = first.Events.Cast<AnswerSaved>().Aggregate(attempt, (a, e) => a.Apply(e));
        var again = AttemptDecisions.Save(attempt, "page-1", [new Change(1, "q2", new Response(Text: "one"), null), new Change(1, "q2", new Response(Text: "one"), null)], Start.AddMinutes(2));
        Assert.Empty(again.Events);
        Assert.Equal([1L, 1L], again.Acknowledged);
    }

    [Fact]
    public void A_later_sequence_supersedes_an_earlier_one_whatever_the_order_of_arrival()
    {
        var attempt = Started(TimeLimit.Hard);
        foreach (var (sequence, text) in new[] { (3L, "third"), (1L, "first"), (2L, "second") })
        {
            var outcome = AttemptDecisions.Save(attempt, "page-1", [new Change(sequence, "q2", new Response(Text: text), null)], Start.AddMinutes(sequence));
            attempt = outcome.Events.Cast<AnswerSaved>().Aggregate(attempt, (a, e) => a.Apply(e));
        }

        Assert.Equal("third", attempt.Answers["q2"].Response.Text);
    }

    [Fact]
    public void After_a_hard_deadline_saves_are_refused_and_the_refusal_recorded_once()
    {
        var attempt = Started(TimeLimit.Hard);
        var outcome = AttemptDecisions.Save(attempt, "page-1", [new Change(7, "q2", new Response(Text: "too late"), null)], Start.AddMinutes(60));
        var refused = Assert.IsType<AnswerRefused>(Assert.Single(outcome.Events));
        Assert.Equal("Time was up, so this answer was not saved.", Assert.Single(outcome.Refused).Reason);
        Assert.Empty(AttemptDecisions.Save(attempt.Apply(refused), "page-1", [new Change(7, "q2", new Response(Text: "too late"), null)], Start.AddMinutes(61)).Events);
    }

    [Fact]
    public void Saves_from_a_page_that_another_page_replaced_are_refused_as_superseded()
    {
        var attempt = Started(TimeLimit.Hard).Apply(new AttemptOpened(Guid.Empty, "page-2", "candidate", Start.AddMinutes(3)));
        var refusal = Assert.Throws<RefusedException>(() => AttemptDecisions.Save(attempt, "page-1", [new Change(9, "q1", Response.Empty, null)], Start.AddMinutes(4)));
        Assert.Equal(RefusalKind.Superseded, refusal.Kind);
    }

    [Fact]
    public void A_question_not_on_the_form_is_bad_input()
    {
        var refusal = Assert.Throws<RefusedException>(() => AttemptDecisions.Save(Started(TimeLimit.Hard), "page-1", [new Change(1, "q9", Response.Empty, null)], Start));
        Assert.Equal(RefusalKind.Invalid, refusal.Kind);
    }

    [Fact]
    public void Submitting_a_submitted_attempt_changes_nothing()
    {
        var attempt = Submitted(Started(TimeLimit.Hard), Start.AddMinutes(5));
        Assert.Empty(AttemptDecisions.Submit(attempt, SubmissionReasons.WindowClosed, "engine", Start.AddMinutes(6), NoItemsNeeded));
        Assert.Empty(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(61), NoItemsNeeded));
    }
}
