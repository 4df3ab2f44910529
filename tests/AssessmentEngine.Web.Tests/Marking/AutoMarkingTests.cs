using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Marking;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Marking;

/// <summary>
/// Automatic marking as itembank/README.md specifies it, for every objective item type, from items written in Markdown
/// and loaded as the engine loads them: the scores nobody has to take on trust.
/// </summary>
public sealed class AutoMarkingTests : IDisposable
{
    private readonly BankFolder _bank = BankFolder.SmallUnit("AUTO 01", items: 1);
    private readonly Dictionary<string, Item> _items;

    public AutoMarkingTests()
    {
        Write("single", "single", 1, "", "- [ ] Wrong\n- [x] Right\n- [ ] Also wrong");
        Write("truefalse", "truefalse", 1, "", "- [ ] True\n- [x] False");
        Write("partial", "multiple", 2, "scoring: partial\n", "- [x] Right one\n- [x] Right two\n- [ ] Wrong one\n- [ ] Wrong two");
        Write("exact", "multiple", 2, "scoring: all-or-nothing\n", "- [x] Right one\n- [x] Right two\n- [ ] Wrong one");
        Write("match", "match", 3, "", "| Prompt | Answer |\n| --- | --- |\n| One | Uno |\n| Two | Dos |\n| Three | Tres |");
        Write("short", "short", 1, "", "## Accepted answers\n- service profit chain\n- the service-profit chain");
        Write("extended", "extended", 8, "", "## Marking guidance\nA full answer explains three points.");
        var load = ItemBankLoader.Load([_bank.Root], _bank.Root);
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        _items = load.Units.SelectMany(u => u.Items).ToDictionary(i => i.Id, StringComparer.Ordinal);
    }

    public void Dispose() => _bank.Dispose();

    private void Write(string name, string type, int marks, string extra, string body) =>
        _bank.Write($"auto01/items/auto01-1.1-{name}.md",
            $"---\nid: auto01-1.1-{name}\ntype: {type}\nstatements: [\"1.1\"]\nmarks: {marks}\n{extra}---\nA question of type {type}?\n\n{body}\n");

    private Item ItemOf(string name) => _items[$"auto01-1.1-{name}"];

    private static string[] Keys(Item item, bool correct) => item.Options.Where(o => o.Correct == correct).Select(o => o.Key).ToArray();

    [Theory]
    [InlineData("single")]
    [InlineData("truefalse")]
    public void A_single_answer_earns_all_its_marks_when_right_and_none_otherwise(string name)
    {
        var item = ItemOf(name);
        Assert.Equal(item.Marks, AutoMarking.Mark(item, new Response(Choice: Keys(item, true)[0])));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choice: Keys(item, false)[0])));
        Assert.Equal(0, AutoMarking.Mark(item, null));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choice: "no such option")));
    }

    [Fact]
    public void Partial_credit_gives_each_right_choice_its_share_takes_one_away_for_each_wrong_and_never_goes_below_zero()
    {
        var item = ItemOf("partial");
        var (right, wrong) = (Keys(item, true), Keys(item, false));
        Assert.Equal(2, AutoMarking.Mark(item, new Response(Choices: right)));
        Assert.Equal(1, AutoMarking.Mark(item, new Response(Choices: [right[0]])));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choices: [right[0], wrong[0]])));
        Assert.Equal(1, AutoMarking.Mark(item, new Response(Choices: [.. right, wrong[0]])));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choices: wrong)));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choices: [.. right, .. wrong])));
    }

    [Fact]
    public void All_or_nothing_earns_the_marks_for_the_exact_set_only()
    {
        var item = ItemOf("exact");
        var (right, wrong) = (Keys(item, true), Keys(item, false));
        Assert.Equal(2, AutoMarking.Mark(item, new Response(Choices: right)));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choices: [right[0]])));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Choices: [.. right, wrong[0]])));
    }

    [Fact]
    public void Each_right_pair_of_a_match_earns_its_share()
    {
        var item = ItemOf("match");
        var all = item.Pairs.ToDictionary(p => p.Key, p => p.Answer);
        Assert.Equal(3, AutoMarking.Mark(item, new Response(Matches: all)));
        Assert.Equal(2, AutoMarking.Mark(item, new Response(Matches: all.Take(2).ToDictionary())));
        var swapped = new Dictionary<string, string>(all) { [item.Pairs[0].Key] = item.Pairs[1].Answer, [item.Pairs[1].Key] = item.Pairs[0].Answer };
        Assert.Equal(1, AutoMarking.Mark(item, new Response(Matches: swapped)));
        Assert.Equal(0, AutoMarking.Mark(item, new Response(Matches: new Dictionary<string, string>())));
    }

    [Theory]
    [InlineData("service profit chain", 1)]
    [InlineData("  Service   PROFIT chain ", 1)]
    [InlineData("The service-profit chain.", 1)]
    [InlineData("\"service profit chain\"", 1)]
    [InlineData("service profit chain!", 1)]
    [InlineData("the service profit chain", 0)]
    [InlineData("service profit", 0)]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData(".", 0)]
    public void A_short_answer_is_compared_ignoring_case_spacing_and_punctuation_around_words(string answer, int marks) =>
        Assert.Equal(marks, AutoMarking.Mark(ItemOf("short"), new Response(Text: answer)));

    [Fact]
    public void An_extended_response_waits_for_an_assessor() =>
        Assert.Null(AutoMarking.Mark(ItemOf("extended"), new Response(Text: "Three points, fully explained.")));

    [Fact]
    public void Any_response_scores_between_zero_and_the_items_marks()
    {
        var random = new Random(2026);
        foreach (var item in _items.Values.Where(i => i.Type != ItemType.Extended))
        {
            var keys = item.Options.Select(o => o.Key).Append("zz").ToArray();
            var answers = item.Pairs.Select(p => p.Answer).Append("Nothing").ToArray();
            for (var n = 0; n < 500; n++)
            {
                var response = new Response(
                    Choice: keys[random.Next(keys.Length)],
                    Choices: keys.Where(_ => random.Next(2) == 0).ToArray(),
                    Matches: item.Pairs.Where(_ => random.Next(3) > 0).ToDictionary(p => p.Key, _ => answers[random.Next(answers.Length)]),
                    Text: new string(Enumerable.Range(0, random.Next(30)).Select(_ => "servic profta-. \"!"[random.Next(18)]).ToArray()));
                Assert.InRange(AutoMarking.Mark(item, response)!.Value, 0, item.Marks);
            }
        }
    }
}
