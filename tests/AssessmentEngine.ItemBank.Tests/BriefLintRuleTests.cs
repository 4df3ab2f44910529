namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Briefs (briefs/*.md): one failing file per rule, with the exact line reported, and a good brief as loaded.</summary>
public sealed class BriefLintRuleTests
{
    private static readonly string UnitWithEvidence = TestBank.UnitMd.Replace(
        "methods:\n  - method: online_test\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:1\"\n",
        "methods:\n  - method: online_test\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:1\"\n" +
        "  - method: submitted_evidence\n    evidence: [report, plan]\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:2-3\"\n", StringComparison.Ordinal);

    /// <summary>Line 2 id, 3 title, 4 method, 5 covers, 6 submit, 7 words, 8 seed; the task on line 10.</summary>
    private const string Brief = "---\nid: b1\ntitle: A report\nmethod: submitted_evidence\ncovers: [\"1.1\", \"2.2\"]\nsubmit: [report]\nwords: \"2000-3000\"\nseed: \"test.txt:2\"\n---\nWrite a **report** on your organisation (1.1, 2.2).\n";

    private static BankLoad Load(string brief, string path = "u/briefs/b1.md") =>
        TestBank.WithTestUnit().With("u/unit.md", UnitWithEvidence).With(path, brief).Load();

    public static TheoryData<string, string> Cases() => new()
    {
        { Brief.Replace("\"2.2\"", "\"2.9\"", StringComparison.Ordinal), "u/briefs/b1.md:5: error: the brief covers '2.9', which is neither a statement nor an outcome of unit TEST 01" },
        { Brief.Replace("method: submitted_evidence", "method: portfolio", StringComparison.Ordinal), "u/briefs/b1.md:4: error: unit TEST 01 is not assessed by portfolio: its methods taking evidence are submitted_evidence" },
        { Brief.Replace("method: submitted_evidence", "method: online_test", StringComparison.Ordinal), "u/briefs/b1.md:4: error: a brief serves a method that takes evidence (submitted_evidence, portfolio or assignment), not 'online_test'" },
        { Brief.Replace("submit: [report]", "submit: [essay]", StringComparison.Ordinal), "u/briefs/b1.md:6: error: unknown submission 'essay': use report, plan, presentation, recording, blog, case_study, product, assignment" },
        { Brief.Replace("\"2000-3000\"", "\"3000-2000\"", StringComparison.Ordinal), "u/briefs/b1.md:7: error: words must be a range of whole numbers, the smaller first, e.g. words: \"3000-5000\", not '3000-2000'" },
        { Brief.Replace("words: \"2000-3000\"", "time_limit_minutes: 180", StringComparison.Ordinal), "u/briefs/b1.md:7: error: only an assignment is timed: remove time_limit_minutes, or make the brief's method assignment" },
        { Brief.Replace("id: b1", "id: b2", StringComparison.Ordinal), "u/briefs/b1.md:2: error: the brief's id 'b2' must match its file name 'b1.md'" },
        { Brief.Replace("title: A report\n", "", StringComparison.Ordinal), "u/briefs/b1.md:1: error: 'title' is missing: the brief's title as the candidate sees it" },
        { Brief.Replace("\"test.txt:2\"", "\"the spec\"", StringComparison.Ordinal), "u/briefs/b1.md:8: error: seed must cite the specification as file:line or file:first-last, not 'the spec'" },
        { Brief.Replace("Write a **report** on your organisation (1.1, 2.2).\n", "", StringComparison.Ordinal), "u/briefs/b1.md:10: error: the brief has no task: write what the candidate is to do below the front matter" },
        { Brief.Replace("covers: [\"1.1\", \"2.2\"]", "covers: []", StringComparison.Ordinal), "u/briefs/b1.md:5: error: covers must be a non-empty list: the statements the brief's tasks cover, e.g. covers: [\"1.1\", \"1.2\"]" },
        { Brief.Replace("title: A report", "title: A report\npages: 4", StringComparison.Ordinal), "u/briefs/b1.md:4: warning: unknown front-matter key 'pages' (known: id, title, method, covers, submit, words, time_limit_minutes, seed)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_line(string brief, string expected)
    {
        Load(brief).Reports(expected);
    }

    [Fact]
    public void A_good_brief_is_loaded_with_its_task_as_safe_html()
    {
        var load = Load(Brief.Replace("(1.1, 2.2).", "(1.1, 2.2). <script>alert(1)</script>", StringComparison.Ordinal));

        var brief = Assert.Single(load.Units.Single().Briefs);
        Assert.Equal(("b1", "submitted_evidence", new WordRange(2000, 3000)), (brief.Id, brief.Method, brief.Words));
        Assert.Equal(["1.1", "2.2"], brief.Covers);
        Assert.Contains("<strong>report</strong>", brief.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", brief.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assignment_needs_a_time_limit_and_keeps_it()
    {
        var unit = UnitWithEvidence.Replace("method: submitted_evidence\n    evidence: [report, plan]", "method: assignment\n    evidence: [assignment]", StringComparison.Ordinal);
        var assignment = Brief.Replace("method: submitted_evidence", "method: assignment", StringComparison.Ordinal).Replace("submit: [report]", "submit: [assignment]", StringComparison.Ordinal);

        TestBank.WithTestUnit().With("u/unit.md", unit).With("u/briefs/b1.md", assignment).Load()
            .Reports("u/briefs/b1.md:1: error: an assignment needs 'time_limit_minutes', the time the specification allows, e.g. time_limit_minutes: 180");
        var timed = TestBank.WithTestUnit().With("u/unit.md", unit).With("u/briefs/b1.md", assignment.Replace("seed:", "time_limit_minutes: 180\nseed:", StringComparison.Ordinal)).Load();
        Assert.Equal(180, Assert.Single(timed.Units.Single().Briefs).TimeLimitMinutes);
    }
}
