using AssessmentEngine.LoadTest;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// The C# clients' answer outbox (the load tool's candidates, the tests' pages) keeps the page's rules
/// (tests/js/outbox.test.js): numbers above what the engine holds, oldest first, settled only by sequence number.
/// </summary>
public sealed class AnswerOutboxTests
{
    [Fact]
    public void Changes_are_numbered_above_what_the_engine_holds_and_sent_oldest_first()
    {
        var outbox = new AnswerOutbox<string>();
        outbox.StartAbove(41);

        outbox.Add(3, "c");
        outbox.Add(1, "a");
        outbox.Add(3, "c again");

        Assert.Equal([(42L, 3, "c"), (43L, 1, "a"), (44L, 3, "c again")], outbox.Batch());
        Assert.Equal([(42L, 3, "c")], outbox.Batch(max: 1));
        Assert.Equal(44, outbox.LastSequence);
    }

    [Fact]
    public void Only_the_numbers_the_engine_names_leave_a_failed_send_leaves_everything_for_the_next()
    {
        var outbox = new AnswerOutbox<string>();
        outbox.Add(1, "a");
        outbox.Add(2, "b");
        outbox.Add(1, "a again");

        // A send that failed (no answer) settles nothing: all three go again.
        Assert.Equal(3, outbox.Batch().Count);

        var settled = outbox.Settle(acknowledged: [1, 99], refused: [2]);

        Assert.Equal([(1L, 1, "a")], settled.Acknowledged.Select(s => (s.Sequence, s.Item, s.Change)));
        Assert.Equal([(2L, 2, "b")], settled.Refused.Select(s => (s.Sequence, s.Item, s.Change)));
        Assert.Equal([(3L, 1, "a again")], outbox.Batch()); // the later change to question 1 stays
        Assert.Equal(("a", 1L), outbox.Acknowledged[1]);
        Assert.False(outbox.Acknowledged.ContainsKey(2));
    }

    [Fact]
    public void The_last_acknowledged_change_to_a_question_is_the_highest_number_whatever_order_the_acknowledgements_came()
    {
        var outbox = new AnswerOutbox<string>();
        outbox.Add(1, "first", madeAt: 10);
        outbox.Add(1, "second", madeAt: 20);

        outbox.Settle(acknowledged: [2], refused: []);
        var late = outbox.Settle(acknowledged: [1], refused: []);

        Assert.Equal(("second", 2L), outbox.Acknowledged[1]);
        Assert.Equal(10, Assert.Single(late.Acknowledged).MadeAt);
        Assert.Equal(0, outbox.Count);
    }
}
