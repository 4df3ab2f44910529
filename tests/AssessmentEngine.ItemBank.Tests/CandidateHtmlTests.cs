namespace AssessmentEngine.ItemBank.Tests;

/// <summary>What a candidate receives never holds the key, the accepted answers, the feedback or the marking guidance.</summary>
public sealed class CandidateHtmlTests
{
    private const string Feedback = "FEEDBACK-SECRET";
    private const string Guidance = "GUIDANCE-SECRET";

    private static readonly string[] Items =
    [
        $"---\nid: i-1\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\nPick one.\n\n- [ ] Wrong\n- [x] Right\n\n## Feedback\n{Feedback}\n",
        $"---\nid: i-2\ntype: multiple\nstatements: [\"1.1\"]\nmarks: 2\nscoring: partial\n---\nPick some.\n\n- [x] Right one\n- [ ] Wrong\n- [x] Right two\n\n## Feedback\n{Feedback}\n",
        $"---\nid: i-3\ntype: truefalse\nstatements: [\"1.1\"]\nmarks: 1\n---\nTrue?\n\n- [ ] True\n- [x] False\n\n## Feedback\n{Feedback}\n",
        $"---\nid: i-4\ntype: match\nstatements: [\"1.1\"]\ndistractors: [Zebra]\n---\nMatch.\n\n| Prompt | Answer |\n| --- | --- |\n| First | Yak |\n| Second | Aardvark |\n| Third | Mole |\n\n## Feedback\n{Feedback}\n",
        $"---\nid: i-5\ntype: short\nstatements: [\"1.1\"]\nmarks: 1\n---\nName it.\n\n## Accepted answers\n- ACCEPTED-SECRET\n- Another-Accepted\n\n## Feedback\n{Feedback}\n",
        $"---\nid: i-6\ntype: extended\nstatements: [\"1.1\"]\nmarks: 6\nwords: [200, 400]\n---\nExplain.\n\n## Marking guidance\n- {Guidance}\n\n## Feedback\n{Feedback}\n",
    ];

    public static TheoryData<int> Indexes() => new(Enumerable.Range(0, Items.Length));

    private static Item Load(int index)
    {
        var id = $"i-{index + 1}";
        return TestBank.WithTestUnit().WithItem(id, Items[index]).Load().TheItem(id);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Candidate_html_never_contains_feedback_guidance_accepted_answers_or_a_correctness_marker(int index)
    {
        var item = Load(index);
        var html = ItemRenderer.CandidateHtml(item);

        Assert.DoesNotContain(Feedback, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Guidance, html, StringComparison.Ordinal);
        Assert.DoesNotContain("ACCEPTED-SECRET", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Another-Accepted", html, StringComparison.OrdinalIgnoreCase);
        foreach (var marker in new[] { "checked", "correct", "[x]", "data-key", "answer=" })
        {
            Assert.DoesNotContain(marker, html, StringComparison.OrdinalIgnoreCase);
        }

        XssTests.AssertSafe(html);
    }

    [Fact]
    public void Choice_options_render_identically_whether_right_or_wrong()
    {
        var html = ItemRenderer.CandidateHtml(Load(1));

        Assert.Contains("<li data-option=\"a\">Right one</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li data-option=\"b\">Wrong</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li data-option=\"c\">Right two</li>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_answers_are_listed_alphabetically_with_the_distractors_so_order_does_not_reveal_the_pairing()
    {
        var html = ItemRenderer.CandidateHtml(Load(3));

        var choices = html[html.IndexOf("<ul class=\"choices\">", StringComparison.Ordinal)..];
        var positions = new[] { "Aardvark", "Mole", "Yak", "Zebra" }.Select(answer => choices.IndexOf(answer, StringComparison.Ordinal)).ToList();
        Assert.All(positions, position => Assert.True(position > 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Extended_items_show_the_word_limits_and_the_marks()
    {
        var html = ItemRenderer.CandidateHtml(Load(5));

        Assert.Contains("Write your answer in 200 to 400 words.", html, StringComparison.Ordinal);
        Assert.Contains("6 marks", html, StringComparison.Ordinal);
    }
}
