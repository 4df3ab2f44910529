namespace AssessmentEngine.ItemBank.Tests;

/// <summary>Every lint rule: a failing example and the exact line it reports.</summary>
public sealed class LintRuleTests
{
    private static BankLoad LoadItem(string id, string markdown) =>
        TestBank.WithTestUnit().WithSingle("u-1.2-001", "1.2").WithSingle("u-2.1-001", "2.1").WithItem(id, markdown).Load();

    [Fact]
    public void A_clean_unit_reports_nothing()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001").WithSingle("u-1.2-001", "1.2").WithSingle("u-2.1-001", "2.1").Load();

        Assert.Empty(load.Diagnostics);
        Assert.Equal(3, load.Units.Single().Items.Count);
    }

    [Fact]
    public void An_unknown_type_is_an_error_on_the_type_line()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("type: single", "type: essay", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:3: error: unknown type 'essay': use single, multiple, truefalse, match, short or extended");
        Assert.DoesNotContain(load.Units.Single().Items, item => item.Id == "u-1.1-001");
    }

    [Fact]
    public void A_missing_type_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("type: single\n", "", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:1: error: 'type' is missing: use single, multiple, truefalse, match, short or extended");
    }

    [Fact]
    public void A_single_item_with_two_correct_options_is_an_error_on_the_list()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("- [ ] A wrong answer", "- [x] A wrong answer", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:9: error: a single item needs exactly one correct option ([x]); 2 are ticked");
    }

    [Fact]
    public void A_single_item_with_no_correct_option_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("[x]", "[ ]", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:9: error: a single item needs exactly one correct option ([x]); 0 are ticked");
    }

    [Fact]
    public void A_multiple_item_with_no_correct_option_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: multiple
            statements: ["1.1"]
            marks: 2
            ---
            Which are right?

            - [ ] One
            - [ ] Two
            """);

        load.Reports("u/items/u-1.1-001.md:9: error: a multiple item needs at least one correct option ([x]); none is ticked");
    }

    [Fact]
    public void A_truefalse_item_needs_exactly_the_options_true_and_false()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: truefalse
            statements: ["1.1"]
            marks: 1
            ---
            The sky is green.

            - [ ] Yes
            - [x] No
            """);

        load.Reports("u/items/u-1.1-001.md:9: error: a truefalse item has exactly two options, 'True' and 'False'");
    }

    [Fact]
    public void A_truefalse_item_with_both_ticked_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: truefalse
            statements: ["1.1"]
            marks: 1
            ---
            The sky is green.

            - [x] True
            - [x] False
            """);

        load.Reports("u/items/u-1.1-001.md:9: error: a truefalse item needs exactly one of True and False ticked; 2 are ticked");
    }

    [Fact]
    public void A_statement_reference_missing_from_unit_md_is_an_error_on_its_line()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001", "1.9"));

        load.Reports("u/items/u-1.1-001.md:4: error: statement '1.9' is not in u/unit.md (unit TEST 01)");
    }

    [Fact]
    public void Duplicate_item_ids_across_units_name_both_places()
    {
        var load = TestBank.WithTestUnit()
            .With("v/unit.md", TestBank.UnitMd.Replace("TEST 01", "TEST 02", StringComparison.Ordinal))
            .WithSingle("same-id")
            .With("v/items/same-id.md", TestBank.Single("same-id"))
            .Load();

        load.Reports("u/items/same-id.md:2: error: duplicate item id 'same-id': also in v/items/same-id.md:2; ids are unique across the whole bank");
        load.Reports("v/items/same-id.md:2: error: duplicate item id 'same-id': also in u/items/same-id.md:2; ids are unique across the whole bank");
        Assert.All(load.Units, unit => Assert.Empty(unit.Items));
    }

    [Fact]
    public void Missing_marks_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1\n", "", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:1: error: 'marks' is missing: give the item's marks as a positive whole number");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void Non_positive_or_non_numeric_marks_are_an_error_on_the_marks_line(string marks)
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: " + marks, StringComparison.Ordinal));

        load.Reports($"u/items/u-1.1-001.md:5: error: marks must be a positive whole number, not '{marks}'");
    }

    [Fact]
    public void An_empty_stem_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: single
            statements: ["1.1"]
            marks: 1
            ---

            - [ ] A
            - [x] B
            """);

        load.Reports("u/items/u-1.1-001.md:7: error: the stem is empty: write the question after the front matter");
    }

    [Fact]
    public void An_extended_item_without_marking_guidance_is_an_error_on_the_type_line()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: extended
            statements: ["1.1"]
            marks: 4
            ---
            Explain the first thing.
            """);

        load.Reports("u/items/u-1.1-001.md:3: error: an extended item needs a '## Marking guidance' section saying what earns each mark");
    }

    [Fact]
    public void A_match_item_with_one_row_is_an_error_on_the_table()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: match
            statements: ["1.1"]
            marks: 1
            ---
            Match them.

            | Prompt | Answer |
            | --- | --- |
            | Cat | Meow |
            """);

        load.Reports("u/items/u-1.1-001.md:9: error: a match item needs at least two rows (pairs); it has 1");
    }

    [Fact]
    public void A_match_table_with_the_wrong_header_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: match
            statements: ["1.1"]
            ---
            Match them.

            | Animal | Sound |
            | --- | --- |
            | Cat | Meow |
            | Dog | Woof |
            """);

        load.Reports("u/items/u-1.1-001.md:8: error: the match table must have exactly two columns with the header '| Prompt | Answer |'");
    }

    [Fact]
    public void An_unknown_front_matter_key_is_a_warning_on_its_line()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\ncolour: blue", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: warning: unknown front-matter key 'colour' (known: id, type, statements, marks, difficulty, shuffle, valid_until, scoring, words, distractors, excludes)");
        load.TheItem("u-1.1-001");
    }

    [Fact]
    public void A_statement_with_no_items_is_a_warning_unless_it_is_not_online()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001").WithSingle("u-2.1-001", "2.1").Load();

        load.Reports("u/unit.md:18: warning: statement '1.2' has no items (mark it '(not online)' if it can only be evidenced by performance)");
        load.DoesNotReport("statement '2.2'");
        Assert.False(load.HasErrors);
    }

    [Fact]
    public void A_unit_with_no_items_at_all_gets_one_warning_not_one_per_statement()
    {
        var load = TestBank.WithTestUnit().Load();

        Assert.Equal(["u/unit.md:2: warning: unit TEST 01 has no items yet; its 3 online statement(s) need them"], load.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void An_id_that_does_not_match_the_file_name_is_a_warning()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-009"));

        load.Reports("u/items/u-1.1-001.md:2: warning: id 'u-1.1-009' does not match the file name 'u-1.1-001.md'");
    }

    [Theory]
    [InlineData("Has Spaces")]
    [InlineData("UPPER-1")]
    [InlineData("-leading-dash")]
    public void A_badly_formed_id_is_an_error(string id)
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("id: u-1.1-001", $"id: {id}", StringComparison.Ordinal));

        load.Reports($"u/items/u-1.1-001.md:2: error: id '{id}' is not valid: use lowercase letters, digits, '.', '-' and '_', starting with a letter or digit");
    }

    [Fact]
    public void A_missing_id_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("id: u-1.1-001\n", "", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:1: error: 'id' is missing: every item needs an id unique across the bank, e.g. fe6v35-1.2-003");
    }

    [Fact]
    public void A_statement_reference_given_twice_in_unit_md_is_an_error_naming_the_first_line()
    {
        var load = new TestBank().With("u/unit.md", TestBank.UnitMd.Replace("**1.2**", "**1.1**", StringComparison.Ordinal)).Load();

        load.Reports("u/unit.md:18: error: statement '1.1' is given twice (first on line 17)");
    }

    [Fact]
    public void Statements_out_of_natural_order_are_a_warning_and_are_sorted_naturally()
    {
        var unitMd = TestBank.UnitMd
            .Replace("- **1.2** Explain the second thing", "- **1.10** Explain the tenth thing\n- **1.9** Explain the ninth thing", StringComparison.Ordinal);
        var load = new TestBank().With("u/unit.md", unitMd).Load();

        load.Reports("u/unit.md:19: warning: statement '1.9' comes after '1.10': list statements in natural order");
        Assert.Equal(["1.1", "1.9", "1.10", "2.1", "2.2"], load.Units.Single().Statements.Select(s => s.Reference));
    }

    [Fact]
    public void A_short_item_without_accepted_answers_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: short
            statements: ["1.1"]
            marks: 1
            ---
            Name the first thing.
            """);

        load.Reports("u/items/u-1.1-001.md:3: error: a short item needs a '## Accepted answers' section with a list of the answers that earn the marks");
    }

    [Fact]
    public void Words_with_a_minimum_above_the_maximum_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Extended("u-1.1-001").Replace("marks: 4", "marks: 4\nwords: [400, 200]", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: words [400, 200]: the minimum must not exceed the maximum, and the maximum must be positive");
    }

    [Fact]
    public void Distractors_are_only_for_match_items()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\ndistractors: [x]", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: 'distractors' applies only to match items");
    }

    [Fact]
    public void Scoring_is_only_for_multiple_items()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\nscoring: partial", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: 'scoring' applies only to multiple items");
    }

    [Fact]
    public void Valid_until_that_is_not_a_date_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\nvalid_until: next year", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: valid_until must be a date written YYYY-MM-DD, not 'next year'");
    }

    [Fact]
    public void Valid_until_in_the_past_is_a_warning_and_the_item_stays_loaded()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\nvalid_until: 2026-05-31", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: warning: valid_until 2026-05-31 has passed: the item is no longer drawn; revise or retire it");
        Assert.Equal(new DateOnly(2026, 5, 31), load.TheItem("u-1.1-001").ValidUntil);
    }

    [Fact]
    public void An_unknown_difficulty_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\ndifficulty: fiendish", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: unknown difficulty 'fiendish': use easy, medium or hard");
    }

    [Fact]
    public void A_front_matter_that_is_never_closed_is_an_error_on_line_one()
    {
        var load = LoadItem("u-1.1-001", "---\nid: u-1.1-001\ntype: single\n\nWhich?\n");

        load.Reports("u/items/u-1.1-001.md:1: error: the front matter is not closed: add a line '---' after it");
    }

    [Fact]
    public void A_file_without_front_matter_is_an_error_on_line_one()
    {
        var load = LoadItem("u-1.1-001", "Which is right?\n\n- [x] This\n- [ ] That\n");

        load.Reports("u/items/u-1.1-001.md:1: error: missing front matter: an item starts with a line '---', then YAML, then a line '---'");
    }

    [Fact]
    public void Broken_yaml_is_an_error_on_the_line_it_breaks()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("statements: [\"1.1\"]", "statements: [\"1.1\"", StringComparison.Ordinal));

        var error = Assert.Single(load.Diagnostics, d => d.Path == "u/items/u-1.1-001.md");
        Assert.Equal(Severity.Error, error.Severity);
        Assert.True(error.Message.StartsWith("the front matter is not valid YAML: ", StringComparison.Ordinal), error.ToString());
        Assert.InRange(error.Line, 4, 5);
    }

    [Fact]
    public void A_key_given_twice_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\nmarks: 2", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:6: error: 'marks' is given twice");
    }

    [Fact]
    public void Text_after_the_options_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001") + "\n\nFeedback without its heading.\n");

        load.Reports("u/items/u-1.1-001.md:13: error: there is text after the options: put it in the stem, or under '## Feedback'");
    }

    [Fact]
    public void A_task_list_in_a_short_item_is_an_error()
    {
        var load = LoadItem("u-1.1-001", """
            ---
            id: u-1.1-001
            type: short
            statements: ["1.1"]
            marks: 1
            ---
            Name it.

            - [x] It

            ## Accepted answers
            - It
            """);

        load.Reports("u/items/u-1.1-001.md:9: error: a short item has no options: task lists ('- [ ]') are for single, multiple and truefalse items");
    }

    [Fact]
    public void A_javascript_link_is_an_error_on_its_line()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", "See [this](javascript:alert(1)). Which answer", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:7: error: link 'javascript:alert(1)' is not allowed: use http, https, mailto or a relative address");
    }

    [Fact]
    public void An_image_from_outside_the_bank_is_an_error()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", "![chart](https://example.org/c.png)\n\nWhich answer", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:7: error: image 'https://example.org/c.png' must be a relative path to a file in the bank");
    }

    [Fact]
    public void A_relative_image_must_exist_in_the_bank()
    {
        var bank = TestBank.WithTestUnit().WithItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", "![chart](images/chart.png) ![gone](images/missing.png) ![escape](../../../etc/passwd)\n\nWhich answer", StringComparison.Ordinal))
            .WithBytes("u/items/images/chart.png", [0x89, 0x50, 0x4E, 0x47]);
        var load = bank.Load();

        load.Reports("u/items/u-1.1-001.md:7: error: image 'images/missing.png' is not a file inside the bank");
        load.Reports("u/items/u-1.1-001.md:7: error: image '../../../etc/passwd' is not a file inside the bank");
        load.DoesNotReport("images/chart.png");
    }

    [Fact]
    public void Raw_html_is_a_warning()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", "<b>Bold</b> which answer", StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:7: warning: raw HTML is not trusted and is removed or sanitised when rendered; write Markdown instead");
    }

    [Fact]
    public void A_folder_without_unit_md_is_an_error()
    {
        var load = new TestBank().With("orphan/items/x.md", TestBank.Single("x")).Load();

        load.Reports("orphan/unit.md:1: error: this unit folder has no unit.md (the unit's codes, outcomes and statements); its items cannot be checked against it");
        Assert.Empty(load.Units);
    }

    [Fact]
    public void A_binary_file_is_an_error()
    {
        var load = TestBank.WithTestUnit().WithBytes("u/items/x.md", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]).Load();

        load.Reports("u/items/x.md:3: error: the file holds binary data (a NUL byte), not Markdown text");
    }

    [Fact]
    public void Invalid_utf8_is_an_error_on_the_line_of_the_bad_byte()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(TestBank.Single("x")).ToList();
        bytes.InsertRange(bytes.IndexOf((byte)'W'), new byte[] { 0xC3, 0x28 });
        var load = TestBank.WithTestUnit().WithBytes("u/items/x.md", bytes.ToArray()).Load();

        load.Reports("u/items/x.md:7: error: invalid UTF-8 (byte 0xC3); save the file as UTF-8");
    }

    [Fact]
    public void A_utf16_file_is_an_error()
    {
        var load = TestBank.WithTestUnit().WithBytes("u/items/x.md", System.Text.Encoding.Unicode.GetPreamble().Concat(System.Text.Encoding.Unicode.GetBytes(TestBank.Single("x"))).ToArray()).Load();

        load.Reports("u/items/x.md:1: error: the file is UTF-16; save it as UTF-8");
    }

    [Fact]
    public void A_file_over_one_megabyte_is_an_error_and_is_not_parsed()
    {
        var load = TestBank.WithTestUnit().WithBytes("u/items/big.md", new byte[10 * 1024 * 1024]).Load();

        load.Reports("u/items/big.md:1: error: the file is 10,485,760 bytes; an item-bank file must be at most 1,048,576 bytes");
    }

    [Fact]
    public void A_blueprint_the_bank_cannot_serve_is_an_error_naming_the_section_and_what_is_short()
    {
        var load = TestBank.WithTestUnit()
            .WithSingle("u-1.1-001").WithSingle("u-1.2-001", "1.2").WithSingle("u-2.1-001", "2.1")
            .With("u/test.md", """
                ---
                test: u-online
                title: Test
                duration_minutes: 30
                pass_percent: 60
                occasions: 2
                sections:
                  - outcome: 1
                    items: 1
                  - outcome: 2
                    items: 1
                    types: [extended]
                ---
                Instructions.
                """)
            .Load();

        load.Reports("u/test.md:10: error: blueprint 'u-online' cannot be served on 2 occasion(s) without repeating an item: section 2 (outcome 2, 1 item(s) of type extended) needs 2 items and can get 0; the bank has only 0 eligible items (current, outcome 2 of type extended)");
        load.DoesNotReport("section 1");
        Assert.Single(load.Units.Single().Blueprints);
    }

    [Fact]
    public void A_blueprint_section_naming_an_outcome_that_does_not_exist_is_an_error()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001")
            .With("u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 9\n    items: 1\n---\nGo.")
            .Load();

        load.Reports("u/test.md:7: error: outcome 9 is not in u/unit.md (outcomes: 1, 2)");
    }

    [Fact]
    public void A_blueprint_section_with_both_items_and_marks_is_an_error()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001")
            .With("u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n    marks: 2\n---\nGo.")
            .Load();

        load.Reports("u/test.md:7: error: a section needs exactly one of 'items: N' or 'marks: N'");
    }

    [Fact]
    public void A_blueprint_that_leaves_out_an_online_outcome_is_a_warning()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001")
            .With("u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n---\nGo.")
            .Load();

        load.Reports("u/test.md:6: warning: outcome 2 has online statements but no section: every outcome should be represented");
    }

    [Fact]
    public void Two_units_with_the_same_code_are_an_error_in_both()
    {
        var load = TestBank.WithTestUnit().With("v/unit.md", TestBank.UnitMd).Load();

        load.Reports("u/unit.md:2: error: unit code 'TEST 01' is also used by v/unit.md");
        load.Reports("v/unit.md:2: error: unit code 'TEST 01' is also used by u/unit.md");
    }

    [Fact]
    public void A_unit_md_without_outcome_headings_is_an_error()
    {
        var load = new TestBank().With("u/unit.md", "---\nunit: X 1\ntitle: T\nawarding_body: SQA\nlevel: 7\n---\n- **1.1** Orphan statement\n").Load();

        load.Reports("u/unit.md:7: error: a statement must come under an outcome heading '# Outcome N: title'");
        load.Reports("u/unit.md:6: error: unit.md has no outcomes: add '# Outcome 1: title' and its statements as '- **1.1** text'");
    }

    [Fact]
    public void A_front_matter_over_64_kilobytes_is_an_error_on_its_first_line()
    {
        var load = LoadItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("marks: 1", "marks: 1\nnotes: " + new string('a', 65_500), StringComparison.Ordinal));

        load.Reports("u/items/u-1.1-001.md:2: error: the front matter is 65,563 characters; at most 65,536 are allowed");
    }

    [Fact]
    public void Markdown_nested_too_deeply_is_an_error_on_the_first_line_after_the_front_matter()
    {
        var tooDeep = new string('>', 10_000);
        var load = TestBank.WithTestUnit().WithSingle("a").WithSingle("b", "1.2").WithSingle("c", "2.1")
            .WithItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", tooDeep + "\n\nWhich answer", StringComparison.Ordinal))
            .With("u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n---\n" + tooDeep)
            .Load();
        var unitLoad = new TestBank().With("u/unit.md", TestBank.UnitMd + "\n" + tooDeep).Load();

        const string TooDeep = "error: the Markdown is nested too deeply (quotes, lists or brackets inside one another)";
        load.Reports("u/items/u-1.1-001.md:7: " + TooDeep);
        load.Reports("u/test.md:10: " + TooDeep);
        unitLoad.Reports("u/unit.md:16: " + TooDeep);
        Assert.Empty(unitLoad.Units);
    }

    [Fact]
    public void More_than_20000_characters_of_raw_html_is_an_error_on_the_block_that_passes_the_limit()
    {
        var html = "<div>" + new string('x', 20_000) + "</div>";
        var load = TestBank.WithTestUnit().WithSingle("a").WithSingle("b", "1.2").WithSingle("c", "2.1")
            .WithItem("u-1.1-001", TestBank.Single("u-1.1-001").Replace("Which answer", "<p>Short.</p>\n\n" + html + "\n\nWhich answer", StringComparison.Ordinal))
            .With("u/test.md", "---\ntest: t\ntitle: T\nduration_minutes: 30\npass_percent: 50\nsections:\n  - outcome: 1\n    items: 1\n---\nGo.\n\n" + html)
            .Load();

        const string TooMuch = "error: more than 20,000 characters of raw HTML; write Markdown instead";
        load.Reports("u/items/u-1.1-001.md:9: " + TooMuch);
        load.Reports("u/test.md:12: " + TooMuch);
        Assert.DoesNotContain(load.Units.Single().Items, item => item.Id == "u-1.1-001");
        Assert.Empty(load.Units.Single().Blueprints);
    }

    [Fact]
    public void Two_uploaded_names_for_the_same_path_are_an_error()
    {
        var load = TestBank.WithTestUnit().WithSingle("u-1.1-001").WithBytes("./u/items/u-1.1-001.md", [0x41]).Load();

        load.Reports("u/items/u-1.1-001.md:1: error: the same path is given twice");
    }
}
