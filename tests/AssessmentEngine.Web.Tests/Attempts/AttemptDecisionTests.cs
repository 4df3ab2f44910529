using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>Given an attempt, when the clock or a command comes, then these events: no database.</summary>
public sealed class AttemptDecisionTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private static Attempt Started(TimeLimit limit, int extraTimePercent = 0) => Attempt.Create(new AttemptStarted(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", 1, new Form("t", 1, [], [], [], []),
        60, extraTimePercent, TimeSpan.FromMinutes(60 * (1 + extraTimePercent / 100.0)), limit, "candidate", Start));

    [Fact]
    public void The_deadline_is_the_start_plus_the_duration_with_extra_time()
    {
        Assert.Equal(Start.AddMinutes(75), Started(TimeLimit.Hard, extraTimePercent: 25).Deadline);
    }

    [Fact]
    public void Before_the_deadline_time_up_does_nothing()
    {
        Assert.Empty(AttemptDecisions.TimeUp(Started(TimeLimit.Hard), Start.AddMinutes(59)));
    }

    [Fact]
    public void A_hard_limit_submits_at_the_deadline_once()
    {
        var attempt = Started(TimeLimit.Hard);
        var submitted = Assert.IsType<AttemptSubmitted>(Assert.Single(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(60))));
        Assert.Equal(SubmissionReasons.TimeUp, submitted.Reason);
        Assert.Empty(AttemptDecisions.TimeUp(attempt.Apply(submitted), Start.AddMinutes(61)));
    }

    [Fact]
    public void A_soft_limit_logs_the_overrun_once_and_leaves_the_attempt_open()
    {
        var attempt = Started(TimeLimit.Soft);
        var logged = Assert.IsType<TimeOverrunLogged>(Assert.Single(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(60))));
        attempt = attempt.Apply(logged);
        Assert.True(attempt.InProgress);
        Assert.Empty(AttemptDecisions.TimeUp(attempt, Start.AddMinutes(90)));
    }

    [Fact]
    public void Submitting_a_submitted_attempt_changes_nothing()
    {
        var attempt = Started(TimeLimit.Hard);
        var submitted = Assert.IsType<AttemptSubmitted>(Assert.Single(AttemptDecisions.Submit(attempt, SubmissionReasons.Candidate, "c", Start.AddMinutes(5))));
        Assert.Empty(AttemptDecisions.Submit(attempt.Apply(submitted), SubmissionReasons.WindowClosed, "engine", Start.AddMinutes(6)));
    }
}
