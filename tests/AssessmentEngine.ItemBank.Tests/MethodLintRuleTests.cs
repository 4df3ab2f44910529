namespace AssessmentEngine.ItemBank.Tests;

/// <summary>unit.md's assessment methods: one failing file per rule, with the exact line reported.</summary>
public sealed class MethodLintRuleTests
{
    private const string Methods = "methods:\n  - method: online_test\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:1\"\n";

    private static string With(string methods) => TestBank.UnitMd.Replace(Methods, methods, StringComparison.Ordinal);

    private const string Evidence = "report, plan, presentation, recording, blog, case_study, direct_observation, product, witness_testimony, personal_statement, questioning, professional_discussion, simulation, assignment, prior_learning";

    public static TheoryData<string, string> Cases() => new()
    {
        { With(Methods.Replace("method: online_test", "method: exam", StringComparison.Ordinal)),
            "u/unit.md:12: error: unknown method 'exam': use one of online_test, submitted_evidence, assignment, portfolio" },
        { With(Methods.Replace("[\"1\", \"2\"]", "[\"1\"]", StringComparison.Ordinal)),
            "u/unit.md:11: error: no method covers outcome 2 (Do things): say how it is assessed" },
        { With(Methods.Replace("[\"1\", \"2\"]", "[\"1\", \"2\", \"3.4\"]", StringComparison.Ordinal)),
            "u/unit.md:13: error: method online_test covers '3.4', which is neither an outcome number nor a statement of this unit" },
        { With(Methods.Replace("method: online_test", "method: submitted_evidence\n    evidence: [report, essay]", StringComparison.Ordinal)),
            $"u/unit.md:13: error: unknown evidence type 'essay': use {Evidence}" },
        { With(Methods.Replace("method: online_test", "method: portfolio", StringComparison.Ordinal)),
            $"u/unit.md:12: error: method portfolio needs 'evidence:', the kinds of evidence it accepts ({Evidence})" },
        { With(Methods.Replace("method: online_test", "method: online_test\n    evidence: [report]", StringComparison.Ordinal)),
            "u/unit.md:12: error: method online_test takes answers, not evidence: remove 'evidence:'" },
        { With(Methods.Replace("    seed: \"test.txt:1\"\n", "", StringComparison.Ordinal)),
            "u/unit.md:12: error: method online_test needs 'seed:', the specification's file and line(s) that say the unit is assessed this way" },
        { With(Methods.Replace("test.txt:1", "page 4", StringComparison.Ordinal)),
            "u/unit.md:14: error: seed must cite the specification as file:line or file:first-last, e.g. \"000_ffdec7d2b584c352.txt:91-104\", not 'page 4'" },
        { With(Methods.Replace("    covers: [\"1\", \"2\"]\n", "", StringComparison.Ordinal)),
            "u/unit.md:12: error: method online_test needs 'covers:', the outcome numbers or statement references it assesses" },
        { With("methods: online_test\n"),
            "u/unit.md:11: error: methods must be a list, each entry a mapping with method, covers and seed (and evidence for a method that takes evidence)" },
        { With(Methods.Replace("    seed:", "    weight: 2\n    seed:", StringComparison.Ordinal)),
            "u/unit.md:14: warning: unknown method key 'weight' (known: method, evidence, covers, seed, note)" },
        { With(""),
            "u/unit.md:1: warning: unit.md does not say how the unit is assessed: add 'methods:', each with method, covers and the seed line that says so (see itembank/README.md)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_line(string unitMd, string expected)
    {
        TestBank.WithTestUnit().With("u/unit.md", unitMd).Load().Reports(expected);
    }

    [Fact]
    public void A_statement_of_an_outcome_covers_that_outcome_and_the_methods_are_kept_on_the_unit()
    {
        var load = TestBank.WithTestUnit().With("u/unit.md", With(
            "methods:\n  - method: online_test\n    covers: [\"1\"]\n    seed: \"test.txt:1\"\n" +
            "  - method: submitted_evidence\n    evidence: [report, case_study]\n    covers: [\"2.2\"]\n    seed: \"test.txt:3-9\"\n    note: a report on the candidate's own organisation\n")).Load();

        load.DoesNotReport("no method covers");
        var methods = load.Units.Single().Methods;
        Assert.Equal(["online_test", "submitted_evidence"], methods.Select(m => m.Method));
        Assert.Equal(["report", "case_study"], methods[1].Evidence);
        Assert.Equal(("test.txt:3-9", "a report on the candidate's own organisation"), (methods[1].Seed, methods[1].Note));
    }

    [Fact]
    public void A_unit_assessed_by_a_portfolio_alone_needs_no_items()
    {
        var portfolio = "methods:\n  - method: portfolio\n    evidence: [direct_observation, witness_testimony]\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:1\"\n";

        Assert.Empty(TestBank.WithTestUnit().With("u/unit.md", With(portfolio)).Load().Diagnostics);
        TestBank.WithTestUnit().Load().Reports("u/unit.md:2: warning: unit TEST 01 has no items yet; its 3 online statement(s) need them");
    }

    [Fact]
    public void A_unit_with_a_test_blueprint_whose_methods_leave_out_the_online_test_is_warned_about()
    {
        const string Blueprint = "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n---\nGo.\n";
        var load = TestBank.WithTestUnit().WithSingle("a", "1.1")
            .With("u/unit.md", With("methods:\n  - method: assignment\n    evidence: [assignment]\n    covers: [\"1\", \"2\"]\n    seed: \"test.txt:1\"\n"))
            .With("u/test.md", Blueprint).Load();

        load.Reports("u/unit.md:1: warning: the unit has an online test (test.md) but its methods do not include online_test: the specification does not assess it that way");
    }
}
