using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Marking;

/// <summary>Facility, discrimination and exposure from attempts in memory: no database.</summary>
public sealed class ItemStatisticTests
{
    private static readonly List<Item> Singles = ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank", "fe6v35")], BankFolder.RepositoryRoot)
        .Units[0].Items.Where(i => i.Type == ItemType.Single && i.Marks == 1).Take(3).ToList();

    private static (Attempt, IReadOnlyDictionary<string, Item>) Sat(params decimal[] marks)
    {
        var form = new Form("t", 1, Singles.Select(i => new FormItem(i.Id, i.ContentHash, 1, [], [])).ToList(), [], [], []);
        var attempt = Attempt.Create(new CandidateCheckedIn(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", "t", 1, "c", DateTimeOffset.UtcNow))
            with { Form = form, Status = AttemptStatus.Submitted, AutoMarks = Singles.Zip(marks).ToDictionary(p => p.First.Id, p => p.Second) };
        return (attempt, Singles.ToDictionary(i => i.Id));
    }

    [Fact]
    public void An_item_the_strong_get_right_and_the_weak_wrong_discriminates_and_one_everyone_gets_right_is_flagged_as_very_easy()
    {
        // Item 1 follows the candidates' strength (item 2); item 0 everyone gets right.
        var attempts = new[] { Sat(1, 1, 1), Sat(1, 1, 1), Sat(1, 1, 1), Sat(1, 0, 0), Sat(1, 0, 0), Sat(1, 0, 0), Sat(1, 1, 0) };
        var stats = ItemStatistics.Of(attempts).ToDictionary(s => s.ItemId);

        var easy = stats[Singles[0].Id];
        Assert.Equal((7, 7, 1.0), (easy.Uses, easy.Marked, easy.Facility!.Value));
        Assert.Null(easy.Discrimination); // everyone scored the same: nothing to correlate
        Assert.Equal("very easy", easy.Concern);

        var telling = stats[Singles[1].Id];
        Assert.Equal(4.0 / 7, telling.Facility!.Value, 3);
        Assert.True(telling.Discrimination > 0.7, $"discrimination {telling.Discrimination}");
        Assert.Null(telling.Concern);
    }

    [Fact]
    public void Too_few_marked_uses_give_no_figures()
    {
        var stat = ItemStatistics.Of([Sat(1, 0, 1), Sat(0, 1, 1)])[0];
        Assert.Equal(2, stat.Uses);
        Assert.Null(stat.Facility);
        Assert.Null(stat.Discrimination);
    }
}
