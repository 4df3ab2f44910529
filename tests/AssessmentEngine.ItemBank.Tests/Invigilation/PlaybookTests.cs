using System.Text;
using AssessmentEngine.ItemBank.Invigilation;

namespace AssessmentEngine.ItemBank.Tests.Invigilation;

/// <summary>The invigilation playbook: the repository's own loads clean, and every lint rule points at its line.</summary>
public sealed class PlaybookTests : IDisposable
{
    private const string Instructions = """
        # For candidates

        Read each question **carefully**.

        # To read aloud

        "Welcome to this test."
        """;

    private const string IncidentCodes = """
        The incidents an invigilator can log.

        | code | title | note |
        |---|---|---|
        | ILL | Candidate unwell | required |
        | FIRE | Fire alarm or evacuation | optional |
        """;

    private const string Rules = """
        heartbeat_seconds: 10
        disconnected_after_seconds: 30
        focus_loss: shown
        pause_reminder_minutes: 20
        message_max_length: 500
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("ae-playbook-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PlaybookLoad Load(string? instructions = Instructions, string? incidentCodes = IncidentCodes, string? rules = Rules)
    {
        var folder = Path.Combine(_root, "pb");
        Directory.CreateDirectory(folder);
        foreach (var (file, text) in new[] { ("instructions.md", instructions), ("incident-codes.md", incidentCodes), ("rules.yml", rules) })
        {
            if (text is not null)
            {
                File.WriteAllBytes(Path.Combine(folder, file), Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n") + "\n"));
            }
        }

        return PlaybookLoader.Load(folder, _root);
    }

    private static void AssertReports(PlaybookLoad load, string expected)
    {
        var lines = load.Diagnostics.Select(diagnostic => diagnostic.ToString()).ToList();
        Assert.True(lines.Contains(expected), $"expected:\n  {expected}\nreported:\n  {string.Join("\n  ", lines)}");
    }

    private static void AssertRefused(PlaybookLoad load, string expected)
    {
        AssertReports(load, expected);
        Assert.Null(load.Playbook);
    }

    // --- the repository's own playbook

    [Fact]
    public void The_repositorys_playbook_lints_clean_and_holds_the_expected_codes_and_rules()
    {
        var root = RepositoryRoot();
        var load = PlaybookLoader.Load(Path.Combine(root, "invigilation"), root);

        Assert.Empty(load.Diagnostics);
        var playbook = Assert.IsType<Playbook>(load.Playbook);
        Assert.Equal(
        [
            new IncidentCode("ILL", "Candidate unwell", NoteRequired: true),
            new IncidentCode("FIRE", "Fire alarm or evacuation", NoteRequired: false),
            new IncidentCode("TECH", "Technical failure", NoteRequired: true),
            new IncidentCode("MAL", "Suspected malpractice", NoteRequired: true),
            new IncidentCode("LEFT", "Candidate left the room", NoteRequired: true),
            new IncidentCode("LATE", "Late arrival", NoteRequired: false),
            new IncidentCode("DIST", "Disturbance or noise", NoteRequired: false),
            new IncidentCode("ACCESS", "Access arrangement used", NoteRequired: false),
            new IncidentCode("OTHER", "Other", NoteRequired: true),
        ], playbook.IncidentCodes);
        Assert.Equal(new PlaybookRules(10, 30, FocusLossReporting.Shown, 20, 500), playbook.Rules);
        Assert.Equal(PlaybookRules.Default, playbook.Rules);
        Assert.Contains("<strong>invigilated</strong>", playbook.CandidateInstructionsHtml, StringComparison.Ordinal);
        Assert.StartsWith("<p>", playbook.ReadAloudHtml, StringComparison.Ordinal);
        Assert.Contains("Welcome to this invigilated online test", playbook.ReadAloudHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("To read aloud", playbook.CandidateInstructionsHtml, StringComparison.Ordinal);
    }

    // --- a clean folder

    [Fact]
    public void A_clean_folder_loads_with_no_diagnostics()
    {
        var load = Load();

        Assert.Empty(load.Diagnostics);
        var playbook = Assert.IsType<Playbook>(load.Playbook);
        Assert.Equal("<p>Read each question <strong>carefully</strong>.</p>", playbook.CandidateInstructionsHtml);
        Assert.Equal("<p>\"Welcome to this test.\"</p>", playbook.ReadAloudHtml);
        Assert.Equal([new IncidentCode("ILL", "Candidate unwell", true), new IncidentCode("FIRE", "Fire alarm or evacuation", false)], playbook.IncidentCodes);
        Assert.False(playbook.Incident("FIRE")!.NoteRequired);
        Assert.Null(playbook.Incident("fire"));
    }

    [Fact]
    public void Instructions_are_sanitised_like_item_text()
    {
        var load = Load(instructions: Instructions.Replace("Read each", "<script>alert(1)</script><img src=x onerror=alert(2)> Read each", StringComparison.Ordinal));

        var html = Assert.IsType<Playbook>(load.Playbook).CandidateInstructionsHtml;
        Assert.DoesNotContain("script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Headings_inside_a_section_and_cell_markup_are_kept()
    {
        var load = Load(
            instructions: Instructions.Replace("Read each", "## Before you start\n\nRead each", StringComparison.Ordinal),
            incidentCodes: IncidentCodes.Replace("| ILL | Candidate unwell |", "| `ILL` | Candidate *unwell* \\| faint |", StringComparison.Ordinal).Replace("optional", "Optional", StringComparison.Ordinal));

        var playbook = Assert.IsType<Playbook>(load.Playbook);
        Assert.StartsWith("<h2>Before you start</h2>", playbook.CandidateInstructionsHtml, StringComparison.Ordinal);
        Assert.Equal(new IncidentCode("ILL", "Candidate unwell | faint", true), playbook.IncidentCodes[0]);
        Assert.False(playbook.IncidentCodes[1].NoteRequired);
    }

    [Fact]
    public void Underlined_headings_start_sections_too()
    {
        var load = Load(instructions: "For candidates\n==============\n\nRead.\n\nTo read aloud\n=============\n\nWelcome.");

        var playbook = Assert.IsType<Playbook>(load.Playbook);
        Assert.Equal("<p>Read.</p>", playbook.CandidateInstructionsHtml);
        Assert.Equal("<p>Welcome.</p>", playbook.ReadAloudHtml);
        AssertRefused(
            Load(instructions: "For candidates\n==============\n\nRead.\n\nTo read out\n===========\n\nWelcome."),
            "pb/instructions.md:6: error: unknown heading '# To read out': instructions.md has two sections, '# For candidates' and '# To read aloud' (use '##' for headings inside them)");
    }

    // --- files and folder

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var load = PlaybookLoader.Load(Path.Combine(_root, "nowhere"), _root);

        AssertRefused(load, "nowhere:1: error: no such folder: the playbook folder holds instructions.md, incident-codes.md and rules.yml");
    }

    [Theory]
    [InlineData("instructions.md", "it holds '# For candidates' (what candidates read before they start) and '# To read aloud' (what the invigilator reads to the room)")]
    [InlineData("incident-codes.md", "it holds the table '| code | title | note |' of incidents an invigilator can log")]
    [InlineData("rules.yml", "it holds heartbeat_seconds, disconnected_after_seconds, focus_loss, pause_reminder_minutes and message_max_length")]
    public void A_missing_file_is_an_error_on_line_1(string file, string holds)
    {
        var load = Load(
            instructions: file == "instructions.md" ? null : Instructions,
            incidentCodes: file == "incident-codes.md" ? null : IncidentCodes,
            rules: file == "rules.yml" ? null : Rules);

        AssertRefused(load, $"pb/{file}:1: error: the file is missing: {holds} (see invigilation/README.md)");
        Assert.Single(load.Diagnostics);
    }

    // --- instructions.md

    [Fact]
    public void Instructions_without_the_read_aloud_section_are_an_error()
    {
        var load = Load(instructions: "# For candidates\n\nRead each question.");

        AssertRefused(load, "pb/instructions.md:1: error: instructions.md has no '# To read aloud' section: add the heading '# To read aloud' and the text under it");
    }

    [Fact]
    public void Instructions_without_the_candidates_section_are_an_error()
    {
        var load = Load(instructions: "# To read aloud\n\n\"Welcome.\"");

        AssertRefused(load, "pb/instructions.md:1: error: instructions.md has no '# For candidates' section: add the heading '# For candidates' and the text under it");
    }

    [Fact]
    public void An_empty_section_is_an_error_on_its_heading()
    {
        var load = Load(instructions: "# For candidates\n\n# To read aloud\n\n\"Welcome.\"");

        AssertRefused(load, "pb/instructions.md:1: error: '# For candidates' is empty: write what candidates read before they start under it");
    }

    [Fact]
    public void An_empty_last_section_is_an_error_on_its_heading()
    {
        var load = Load(instructions: Instructions.Replace("\"Welcome to this test.\"", "<!-- to do -->", StringComparison.Ordinal));

        AssertRefused(load, "pb/instructions.md:5: error: '# To read aloud' is empty: write what the invigilator reads to the room under it");
    }

    [Fact]
    public void An_unknown_heading_is_an_error_on_its_line()
    {
        var load = Load(instructions: Instructions + "\n# For invigilators\n\nCheck the room.");

        AssertRefused(load, "pb/instructions.md:8: error: unknown heading '# For invigilators': instructions.md has two sections, '# For candidates' and '# To read aloud' (use '##' for headings inside them)");
    }

    [Fact]
    public void A_section_given_twice_is_an_error_on_the_second()
    {
        var load = Load(instructions: Instructions + "\n# For candidates\n\nAgain.");

        AssertRefused(load, "pb/instructions.md:8: error: '# For candidates' is given twice (first on line 1)");
    }

    [Fact]
    public void Text_before_the_first_heading_is_a_warning()
    {
        var load = Load(instructions: "Some notes.\n\n" + Instructions);

        AssertReports(load, "pb/instructions.md:1: warning: text before the first heading is shown nowhere: put it under '# For candidates' or '# To read aloud'");
        Assert.NotNull(load.Playbook);
    }

    // --- incident-codes.md

    [Fact]
    public void A_file_without_a_table_is_an_error()
    {
        var load = Load(incidentCodes: "The incidents an invigilator can log.");

        AssertRefused(load, "pb/incident-codes.md:1: error: no incident table: add the table '| code | title | note |' with the separator row '|---|---|---|' under it and a row per code");
    }

    [Fact]
    public void A_table_without_its_separator_row_is_an_error_on_the_header()
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("|---|---|---|\n", "", StringComparison.Ordinal));

        AssertRefused(load, "pb/incident-codes.md:3: error: this is not a table: the header row '| code | title | note |' needs the separator row '|---|---|---|' under it");
    }

    [Fact]
    public void Text_straight_after_the_table_is_an_error_on_the_header()
    {
        var load = Load(incidentCodes: IncidentCodes + "\nMore text.");

        AssertRefused(load, "pb/incident-codes.md:3: error: this table is not read as a table: leave a blank line after its last row, and write every row as '| code | title | note |'");
    }

    [Fact]
    public void A_wrong_header_is_an_error_on_its_line()
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("| code | title | note |", "| code | name | note |", StringComparison.Ordinal));

        AssertRefused(load, "pb/incident-codes.md:3: error: the table's header must be '| code | title | note |', not '| code | name | note |'");
    }

    [Fact]
    public void A_header_with_a_missing_column_is_an_error_on_its_line()
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("| code | title | note |", "| code | title |", StringComparison.Ordinal));

        AssertRefused(load, "pb/incident-codes.md:3: error: the table's header must be '| code | title | note |', not '| code | title |'");
    }

    [Fact]
    public void A_separator_row_with_two_cells_is_an_error_on_its_line()
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("|---|---|---|", "|---|---|", StringComparison.Ordinal));

        AssertRefused(load, "pb/incident-codes.md:4: error: the separator row under the header has three cells, '|---|---|---|'; this one has 2");
    }

    [Theory]
    [InlineData("| TECH | Technical failure |", 2)]
    [InlineData("| TECH | Technical failure | required | today |", 4)]
    public void A_row_without_three_cells_is_an_error_on_its_line(string row, int cells)
    {
        var load = Load(incidentCodes: IncidentCodes + "\n" + row);

        AssertRefused(load, $"pb/incident-codes.md:7: error: a row has three cells, '| code | title | note |'; this one has {cells}");
    }

    [Theory]
    [InlineData("ill")]
    [InlineData("I")]
    [InlineData("TOOLONGCODE1")]
    [InlineData("IL-L")]
    [InlineData("")]
    public void A_bad_code_is_an_error_on_its_row(string code)
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("| FIRE |", $"| {code} |", StringComparison.Ordinal));

        AssertRefused(load, $"pb/incident-codes.md:6: error: incident code '{code}' is not valid: use 2 to 10 upper-case letters or digits, e.g. ILL");
    }

    [Fact]
    public void Codes_of_two_and_ten_letters_or_digits_are_valid()
    {
        var load = Load(incidentCodes: IncidentCodes + "\n| A1 | Short | optional |\n| ABCDEFGH10 | Long | optional |");

        Assert.Empty(load.Diagnostics);
        Assert.Equal(["ILL", "FIRE", "A1", "ABCDEFGH10"], load.Playbook!.IncidentCodes.Select(code => code.Code));
    }

    [Fact]
    public void A_duplicate_code_is_an_error_on_the_second_row()
    {
        var load = Load(incidentCodes: IncidentCodes + "\n| ILL | Candidate ill again | optional |");

        AssertRefused(load, "pb/incident-codes.md:7: error: incident code 'ILL' is given twice (first on line 5)");
    }

    [Fact]
    public void An_empty_title_is_an_error_on_its_row()
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("Fire alarm or evacuation", "", StringComparison.Ordinal));

        AssertRefused(load, "pb/incident-codes.md:6: error: incident code 'FIRE' has no title: say what happened, e.g. 'Candidate unwell'");
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("yes")]
    public void A_note_other_than_required_or_optional_is_an_error_on_its_row(string note)
    {
        var load = Load(incidentCodes: IncidentCodes.Replace("| optional |", $"| {note} |", StringComparison.Ordinal));

        AssertRefused(load, $"pb/incident-codes.md:6: error: the note of incident code 'FIRE' must be 'required' or 'optional', not '{note}'");
    }

    [Fact]
    public void A_table_with_no_codes_is_an_error_on_its_header()
    {
        var load = Load(incidentCodes: "| code | title | note |\n|---|---|---|");

        AssertRefused(load, "pb/incident-codes.md:1: error: the table has no incident codes: add a row per code under the header");
    }

    [Fact]
    public void A_second_table_is_an_error()
    {
        var load = Load(incidentCodes: IncidentCodes + "\n\nMore:\n\n| code | title | note |\n|---|---|---|\n| TECH | Technical failure | required |");

        AssertRefused(load, "pb/incident-codes.md:10: error: incident-codes.md holds one table; put every incident code in the first");
    }

    // --- rules.yml

    [Fact]
    public void Rules_that_are_not_yaml_are_an_error_on_the_line()
    {
        var load = Load(rules: Rules.Replace("focus_loss: shown", "focus_loss: [shown", StringComparison.Ordinal));

        var error = Assert.Single(load.Diagnostics);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.Equal("pb/rules.yml", error.Path);
        Assert.InRange(error.Line, 3, 4);
        Assert.StartsWith("rules.yml is not valid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.Null(load.Playbook);
    }

    [Fact]
    public void A_key_given_twice_is_an_error_on_the_second()
    {
        var load = Load(rules: Rules + "\nheartbeat_seconds: 12");

        AssertRefused(load, "pb/rules.yml:6: error: rules.yml is not valid YAML: Duplicate key heartbeat_seconds");
    }

    [Fact]
    public void Rules_that_are_not_a_mapping_are_an_error()
    {
        var load = Load(rules: "- heartbeat_seconds: 10");

        AssertRefused(load, "pb/rules.yml:1: error: rules.yml must be 'key: value' lines (a YAML mapping)");
    }

    [Fact]
    public void An_unknown_key_is_a_warning_on_its_line_and_the_playbook_still_loads()
    {
        var load = Load(rules: Rules + "\nheartbeat_secs: 15");

        var warning = Assert.Single(load.Diagnostics);
        Assert.Equal("pb/rules.yml:6: warning: unknown key 'heartbeat_secs' is ignored (known: heartbeat_seconds, disconnected_after_seconds, focus_loss, pause_reminder_minutes, message_max_length)", warning.ToString());
        Assert.Equal(PlaybookRules.Default, load.Playbook!.Rules);
    }

    [Fact]
    public void A_missing_key_takes_its_default_with_a_warning()
    {
        var load = Load(rules: "heartbeat_seconds: 15\nfocus_loss: flagged\nmessage_max_length: 1000");

        AssertReports(load, "pb/rules.yml:1: warning: 'disconnected_after_seconds' is missing; the default 30 is used");
        AssertReports(load, "pb/rules.yml:1: warning: 'pause_reminder_minutes' is missing; the default 20 is used");
        Assert.Equal(2, load.Diagnostics.Count);
        Assert.Equal(new PlaybookRules(15, 30, FocusLossReporting.Flagged, 20, 1000), load.Playbook!.Rules);
    }

    [Fact]
    public void Rules_with_nothing_but_comments_take_every_default_with_a_warning_each()
    {
        var load = Load(rules: "# all defaults");

        Assert.Equal(5, load.Diagnostics.Count(d => d.Severity == Severity.Warning && d.Line == 1));
        Assert.Equal(PlaybookRules.Default, load.Playbook!.Rules);
    }

    [Theory]
    [InlineData("heartbeat_seconds: 10", "heartbeat_seconds: 4", 1, "heartbeat_seconds must be from 5 to 120 seconds, not 4")]
    [InlineData("heartbeat_seconds: 10", "heartbeat_seconds: 121", 1, "heartbeat_seconds must be from 5 to 120 seconds, not 121")]
    [InlineData("pause_reminder_minutes: 20", "pause_reminder_minutes: 0", 4, "pause_reminder_minutes must be from 1 to 240 minutes, not 0")]
    [InlineData("pause_reminder_minutes: 20", "pause_reminder_minutes: 241", 4, "pause_reminder_minutes must be from 1 to 240 minutes, not 241")]
    [InlineData("message_max_length: 500", "message_max_length: 49", 5, "message_max_length must be from 50 to 2000 characters, not 49")]
    [InlineData("message_max_length: 500", "message_max_length: 2001", 5, "message_max_length must be from 50 to 2000 characters, not 2001")]
    public void A_value_out_of_range_is_an_error_on_its_line(string from, string to, int line, string message)
    {
        var load = Load(rules: Rules.Replace(from, to, StringComparison.Ordinal));

        AssertRefused(load, $"pb/rules.yml:{line}: error: {message}");
    }

    [Theory]
    [InlineData("heartbeat_seconds: 5", "disconnected_after_seconds: 10", "pause_reminder_minutes: 1", "message_max_length: 50")]
    [InlineData("heartbeat_seconds: 120", "disconnected_after_seconds: 240", "pause_reminder_minutes: 240", "message_max_length: 2000")]
    public void The_ends_of_each_range_are_allowed(string heartbeat, string disconnected, string pause, string length)
    {
        var load = Load(rules: $"{heartbeat}\n{disconnected}\nfocus_loss: off\n{pause}\n{length}");

        Assert.Empty(load.Diagnostics);
        Assert.Equal(FocusLossReporting.Off, load.Playbook!.Rules.FocusLoss);
    }

    [Theory]
    [InlineData("heartbeat_seconds: 10", "heartbeat_seconds: ten", 1, "heartbeat_seconds must be a whole number of seconds from 5 to 120, not 'ten'")]
    [InlineData("heartbeat_seconds: 10", "heartbeat_seconds: 10.5", 1, "heartbeat_seconds must be a whole number of seconds from 5 to 120, not '10.5'")]
    [InlineData("heartbeat_seconds: 10", "heartbeat_seconds:", 1, "heartbeat_seconds must be a whole number of seconds from 5 to 120, not nothing")]
    [InlineData("disconnected_after_seconds: 30", "disconnected_after_seconds: [30]", 2, "disconnected_after_seconds must be a whole number of seconds, at least twice heartbeat_seconds, not a list")]
    [InlineData("pause_reminder_minutes: 20", "pause_reminder_minutes: \"20\"", 4, "pause_reminder_minutes must be a whole number of minutes from 1 to 240, not '20'")]
    [InlineData("message_max_length: 500", "message_max_length: {max: 500}", 5, "message_max_length must be a whole number of characters from 50 to 2000, not a mapping")]
    [InlineData("focus_loss: shown", "focus_loss: hidden", 3, "focus_loss must be shown (on the dashboard, not flagged), flagged (raised as an alert) or off (not reported), not 'hidden'")]
    [InlineData("focus_loss: shown", "focus_loss: true", 3, "focus_loss must be shown (on the dashboard, not flagged), flagged (raised as an alert) or off (not reported), not 'true'")]
    public void A_value_of_the_wrong_type_is_an_error_on_its_line(string from, string to, int line, string message)
    {
        var load = Load(rules: Rules.Replace(from, to, StringComparison.Ordinal));

        AssertRefused(load, $"pb/rules.yml:{line}: error: {message}");
    }

    [Fact]
    public void Disconnection_sooner_than_two_heartbeats_is_an_error_on_its_line()
    {
        var load = Load(rules: Rules.Replace("disconnected_after_seconds: 30", "disconnected_after_seconds: 19", StringComparison.Ordinal));

        AssertRefused(load, "pb/rules.yml:2: error: disconnected_after_seconds (19) must be at least twice heartbeat_seconds (10), so one late heartbeat does not show a candidate as disconnected: make it 20 or more");
    }

    [Fact]
    public void A_slow_heartbeat_against_the_default_disconnection_is_an_error_on_the_heartbeat()
    {
        var load = Load(rules: "heartbeat_seconds: 20\nfocus_loss: shown\npause_reminder_minutes: 20\nmessage_max_length: 500");

        AssertReports(load, "pb/rules.yml:1: warning: 'disconnected_after_seconds' is missing; the default 30 is used");
        AssertRefused(load, "pb/rules.yml:1: error: disconnected_after_seconds (30) must be at least twice heartbeat_seconds (20), so one late heartbeat does not show a candidate as disconnected: make it 40 or more");
    }

    [Fact]
    public void Diagnostics_of_every_file_are_reported_together_in_path_and_line_order()
    {
        var load = Load(
            instructions: "# For candidates\n\nRead.",
            incidentCodes: IncidentCodes + "\n| ILL | Again | required |",
            rules: Rules.Replace("heartbeat_seconds: 10", "heartbeat_seconds: 1", StringComparison.Ordinal));

        Assert.Equal(
        [
            "pb/incident-codes.md:7: error: incident code 'ILL' is given twice (first on line 5)",
            "pb/instructions.md:1: error: instructions.md has no '# To read aloud' section: add the heading '# To read aloud' and the text under it",
            "pb/rules.yml:1: error: heartbeat_seconds must be from 5 to 120 seconds, not 1",
        ], load.Diagnostics.Select(d => d.ToString()));
        Assert.Null(load.Playbook);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AssessmentEngine.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (the folder with AssessmentEngine.sln) was not found above " + AppContext.BaseDirectory);
    }
}
