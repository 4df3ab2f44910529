using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Invigilation;

namespace AssessmentEngine.Web.Tests.Invigilation;

/// <summary>The sitting page names each state as the dashboard does: no database.</summary>
public sealed class SittingRoomStateTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private static Attempt Started()
    {
        var id = Guid.NewGuid();
        var attempt = Attempt.Create(new CandidateCheckedIn(id, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", "t", 1, "candidate", Start.AddMinutes(-10)));
        attempt = attempt.Apply(new CandidateAdmitted(id, new Form("t", 1, [new FormItem("q1", "h1", 1, ["a", "b"], [])], [], [], []), "salt", true, "invigilator", Start.AddMinutes(-5)));
        return attempt.Apply((AttemptStarted)Assert.Single(AttemptDecisions.Start(attempt, 60, 0, TimeLimit.Hard, 60, "candidate", Start)));
    }

    private static string State(Attempt? attempt) => new RoomRow(null!, attempt).State;

    [Fact]
    public void A_paused_attempt_is_paused_and_a_voided_one_voided_not_refused_admission()
    {
        var started = Started();

        Assert.Equal("In progress", State(started));
        Assert.Equal("Paused", State(started.Apply(new AttemptPaused(started.Id, "fire alarm", "invigilator", Start.AddMinutes(5)))));
        Assert.Equal("Voided", State(started.Apply(new AttemptVoided(started.Id, "notes found", "invigilator", Start.AddMinutes(6)))));
        Assert.Equal("Not arrived", State(null));
    }
}
