namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Each item type's parsing: options and keys, pairs, accepted answers, words, scoring, guidance, feedback.</summary>
public sealed class ItemParsingTests
{
    private static Item Parse(string id, string markdown) => TestBank.WithTestUnit().WithItem(id, markdown).Load().TheItem(id);

    [Fact]
    public void A_single_item_has_its_options_keyed_in_source_order_with_the_key_marked()
    {
        var item = Parse("s-1", """
            ---
            id: s-1
            type: single
            statements: ["1.1"]
            marks: 1
            difficulty: medium
            shuffle: false
            valid_until: 2027-12-31
            ---
            Which lifts service **above** the minimum?

            - [ ] Answering within the specified time
            - [x] Anticipating *needs*
            - [ ] Replying on time

            ## Feedback
            Anticipation is excellent service.
            """);

        Assert.Equal(ItemType.Single, item.Type);
        Assert.Equal("TEST 01", item.UnitCode);
        Assert.Equal("u/items/s-1.md", item.SourcePath);
        Assert.Equal(["1.1"], item.Statements);
        Assert.Equal("medium", item.Difficulty);
        Assert.False(item.Shuffle);
        Assert.Equal(new DateOnly(2027, 12, 31), item.ValidUntil);
        Assert.Equal("<p>Which lifts service <strong>above</strong> the minimum?</p>", item.StemHtml);
        Assert.Equal(
            [new Option("a", "Answering within the specified time", false), new Option("b", "Anticipating <em>needs</em>", true), new Option("c", "Replying on time", false)],
            item.Options);
        Assert.Equal("<p>Anticipation is excellent service.</p>", item.FeedbackHtml);
        Assert.Null(item.MarkingGuidanceHtml);
    }

    [Fact]
    public void Shuffle_defaults_to_true_and_scoring_to_all_or_nothing()
    {
        var item = Parse("s-1", TestBank.Single("s-1"));

        Assert.True(item.Shuffle);
        Assert.Equal(Scoring.AllOrNothing, item.Scoring);
        Assert.Null(item.Difficulty);
        Assert.Null(item.FeedbackHtml);
    }

    [Fact]
    public void A_multiple_item_keeps_every_ticked_option_and_its_scoring()
    {
        var item = Parse("m-1", """
            ---
            id: m-1
            type: multiple
            statements: ["1.1", "1.2"]
            marks: 2
            scoring: partial
            ---
            Select all that apply.

            - [x] One
            - [ ] Two
            - [X] Three
            """);

        Assert.Equal(Scoring.Partial, item.Scoring);
        Assert.Equal(["a", "c"], item.Options.Where(option => option.Correct).Select(option => option.Key));
        Assert.Equal(["1.1", "1.2"], item.Statements);
    }

    [Fact]
    public void A_truefalse_item_has_the_two_options_in_source_order()
    {
        var item = Parse("t-1", """
            ---
            id: t-1
            type: truefalse
            statements: ["1.1"]
            marks: 1
            ---
            Keeping a customer usually costs less than winning a new one.

            - [x] True
            - [ ] False
            """);

        Assert.Equal([new Option("a", "True", true), new Option("b", "False", false)], item.Options);
    }

    [Fact]
    public void A_match_item_has_one_pair_per_row_its_distractors_and_a_mark_per_pair_by_default()
    {
        var item = Parse("x-1", """
            ---
            id: x-1
            type: match
            statements: ["1.1"]
            distractors: ["Market share", "Brand"]
            ---
            Match each term to its meaning.

            | Prompt | Answer |
            | --- | --- |
            | Customer *loyalty* | Continued preference for one organisation |
            | Customer retention | Keeping existing customers |
            | USP | A feature that sets an offer apart |
            """);

        Assert.Equal(
            [
                new MatchPair("a", "Customer <em>loyalty</em>", "Continued preference for one organisation"),
                new MatchPair("b", "Customer retention", "Keeping existing customers"),
                new MatchPair("c", "USP", "A feature that sets an offer apart"),
            ],
            item.Pairs);
        Assert.Equal(["Market share", "Brand"], item.Distractors);
        Assert.Equal(3, item.Marks);
        Assert.Empty(item.Options);
    }

    [Fact]
    public void A_match_item_takes_marks_from_front_matter_when_given()
    {
        var item = Parse("x-1", "---\nid: x-1\ntype: match\nstatements: [\"1.1\"]\nmarks: 1\n---\nMatch.\n\n| Prompt | Answer |\n|---|---|\n| A | 1 |\n| B | 2 |");

        Assert.Equal(1, item.Marks);
    }

    [Fact]
    public void A_short_item_lists_its_accepted_answers()
    {
        var item = Parse("q-1", """
            ---
            id: q-1
            type: short
            statements: ["1.1"]
            marks: 1
            ---
            What term describes keeping existing customers?

            ## Accepted answers

            - Customer retention
            - *Retention*
            - Retention rate

            ## Feedback
            Retention is the term.
            """);

        Assert.Equal(["Customer retention", "Retention", "Retention rate"], item.AcceptedAnswers);
        Assert.Equal("<p>What term describes keeping existing customers?</p>", item.StemHtml);
        Assert.Equal("<p>Retention is the term.</p>", item.FeedbackHtml);
    }

    [Fact]
    public void An_extended_item_has_its_word_limits_and_marking_guidance()
    {
        var item = Parse("e-1", """
            ---
            id: e-1
            type: extended
            statements: ["2.1"]
            marks: 6
            words: [200, 400]
            ---
            Explain the value of service as a competitive tool.

            ## Marking guidance
            - 1 mark: names an organisation.
            - Up to 2 marks: explains loyalty.

            ## Feedback
            A good answer uses examples.
            """);

        Assert.Equal((200, 400), (item.MinWords, item.MaxWords));
        Assert.Equal("<ul>\n<li>1 mark: names an organisation.</li>\n<li>Up to 2 marks: explains loyalty.</li>\n</ul>", item.MarkingGuidanceHtml);
        Assert.Equal("<p>A good answer uses examples.</p>", item.FeedbackHtml);
        Assert.Empty(item.Options);
        Assert.Empty(item.AcceptedAnswers);
    }

    [Fact]
    public void The_content_hash_is_of_the_normalised_bytes_so_bom_and_crlf_do_not_change_it()
    {
        var lf = TestBank.Single("s-1");
        var bank = TestBank.WithTestUnit()
            .WithBytes("u/items/s-1.md", System.Text.Encoding.UTF8.GetBytes(lf))
            .With("v/unit.md", TestBank.UnitMd.Replace("TEST 01", "TEST 02", StringComparison.Ordinal))
            .WithBytes("v/items/s-2.md", [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(lf.Replace("s-1", "s-2", StringComparison.Ordinal).ReplaceLineEndings("\r\n"))]);
        var load = bank.Load();

        var plain = load.TheItem("s-1");
        var crlf = load.TheItem("s-2");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lf)));
        Assert.Equal(expected, plain.ContentHash);
        Assert.Equal(lf, plain.Markdown);
        Assert.DoesNotContain('\r', crlf.Markdown);
        Assert.Equal(plain.Options, crlf.Options);
    }

    [Fact]
    public void A_unit_md_gives_codes_policy_outcomes_and_statements()
    {
        var unit = TestBank.WithTestUnit().Load().Units.Single();

        Assert.Equal(("u", "TEST 01", "A unit for tests", "SQA", "SCQF 7"), (unit.Folder, unit.Code, unit.Title, unit.AwardingBody, unit.Level));
        Assert.Equal(new UnitPolicy(6, OpenBook: true, Invigilated: true), unit.Policy);
        Assert.Equal([1, 2], unit.Outcomes.Select(outcome => outcome.Number));
        Assert.Equal("Know things", unit.Outcomes[0].Title);
        Assert.Equal(new Statement("2.2", "Show the fourth thing", 2, Online: false), unit.StatementByReference("2.2"));
        Assert.Equal(new Statement("1.1", "Explain the first thing", 1, Online: true), unit.Statements[0]);
    }

    [Fact]
    public void A_test_md_gives_a_blueprint_with_its_sections_and_instructions()
    {
        var load = TestBank.WithTestUnit()
            .WithSingle("a-1").WithSingle("a-2").WithSingle("a-3", "1.2").WithSingle("b-1", "2.1").WithItem("b-2", TestBank.Extended("b-2", "2.1"))
            .With("u/test.md", """
                ---
                test: u-online
                title: The test
                duration_minutes: 45
                time_limit: soft
                pass_percent: 60
                occasions: 1
                sections:
                  - outcome: 1
                    items: 2
                  - outcome: 2
                    marks: 4
                    types: [extended]
                ---
                You may use your **notes**.
                """)
            .Load();

        var blueprint = Assert.Single(load.Units.Single().Blueprints);
        Assert.Equal(("u-online", "The test", "TEST 01", 45, TimeLimit.Soft, 60, 1), (blueprint.Id, blueprint.Title, blueprint.UnitCode, blueprint.DurationMinutes, blueprint.TimeLimit, blueprint.PassPercent, blueprint.Occasions));
        Assert.Equal(new BlueprintSection(1, 2, null, null), blueprint.Sections[0]);
        Assert.Equal((2, (int?)null, (int?)4, ItemType.Extended), (blueprint.Sections[1].Outcome, blueprint.Sections[1].Items, blueprint.Sections[1].Marks, blueprint.Sections[1].Types!.Single()));
        Assert.Equal("<p>You may use your <strong>notes</strong>.</p>", blueprint.InstructionsHtml);
        Assert.Equal("u/test.md", blueprint.SourcePath);
    }

    [Fact]
    public void Option_html_never_carries_the_task_list_checkbox()
    {
        var item = Parse("s-1", TestBank.Single("s-1"));

        Assert.All(item.Options, option => Assert.DoesNotContain("input", option.Html, StringComparison.OrdinalIgnoreCase));
        Assert.All(item.Options, option => Assert.DoesNotContain("[x]", option.Html, StringComparison.OrdinalIgnoreCase));
    }
}
