namespace AssessmentEngine.ItemBank;

/// <summary>The six item types; in YAML: single | multiple | truefalse | match | short | extended.</summary>
public enum ItemType { Single, Multiple, TrueFalse, Match, Short, Extended }

/// <summary>How a multiple-response item is scored.</summary>
public enum Scoring { AllOrNothing, Partial }

public enum Severity { Error, Warning }

/// <summary>Hard: auto-submit at time-up. Soft: warn and log an overrun.</summary>
public enum TimeLimit { Hard, Soft }

/// <summary>One lint finding, printed compiler-style: <c>path:line: error: message</c>.</summary>
public sealed record Diagnostic(string Path, int Line, Severity Severity, string Message)
{
    public override string ToString() => $"{Path}:{Line}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>A knowledge-and-understanding statement of a unit; <paramref name="Online"/> is false for "(not online)" ones.</summary>
public sealed record Statement(string Reference, string Text, int Outcome, bool Online);

public sealed record Outcome(int Number, string Title, IReadOnlyList<Statement> Statements);

/// <summary>A unit's assessment policy; a null window means no window applies.</summary>
public sealed record UnitPolicy(int? WindowWeeks, bool OpenBook, bool Invigilated);

/// <summary>
/// One way the awarding body assesses a unit, as unit.md states it with the line of the specification that says so:
/// the method, the evidence it accepts (for submitted evidence and portfolios), and the outcomes and statements it must
/// cover (an outcome number covers every statement of that outcome).
/// </summary>
public sealed partial record AssessmentMethod(string Method, IReadOnlyList<string> Evidence, IReadOnlyList<string> Covers, string Seed, string? Note)
{
    public const string OnlineTest = "online_test";

    /// <summary>A supervised, timed task answered with files (a brief with a time limit), run in a sitting like a test.</summary>
    public const string Assignment = "assignment";

    /// <summary>The methods a unit may state.</summary>
    public static readonly IReadOnlyList<string> Known = [OnlineTest, "submitted_evidence", Assignment, "portfolio"];

    /// <summary>The kinds of evidence a submitted-evidence or portfolio method may accept.</summary>
    public static readonly IReadOnlyList<string> EvidenceTypes =
    [
        "report", "plan", "presentation", "recording", "blog", "case_study", "direct_observation", "product", "witness_testimony",
        "personal_statement", "questioning", "professional_discussion", "simulation", "assignment", "prior_learning",
    ];

    /// <summary>Whether the method takes evidence of the kinds in <see cref="Evidence"/> (an online test takes answers).</summary>
    public bool TakesEvidence => TakesEvidenceFor(Method);

    public static bool TakesEvidenceFor(string method) => method is "submitted_evidence" or "portfolio" or "assignment";

    /// <summary>Whether a text cites the specification as file:line or file:first-last (e.g. 000_ffdec7d2b584c352.txt:91-104).</summary>
    public static bool IsSeedCitation(string text) => SeedCitation().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^\s:]+\.txt:\d+(-\d+)?$")]
    private static partial System.Text.RegularExpressions.Regex SeedCitation();
}

/// <summary>A word range a brief asks for (inclusive).</summary>
public sealed record WordRange(int Min, int Max);

/// <summary>
/// A task the candidate answers with evidence (briefs/&lt;id&gt;.md): which method it serves, the statements it covers, what
/// to hand in, a word range and, for an assignment, a time limit; the task as safe HTML and its source for revisions.
/// </summary>
public sealed record Brief(
    string Id, string UnitCode, string SourcePath, string Title, string Method, IReadOnlyList<string> Covers, IReadOnlyList<string> Submit,
    WordRange? Words, int? TimeLimitMinutes, string Seed, string Html, string Markdown, string ContentHash);

/// <summary>A unit folder as loaded: its definition from unit.md, its error-free items and blueprints.</summary>
public sealed record Unit(
    string Folder,
    string Code,
    string Title,
    string AwardingBody,
    string Level,
    IReadOnlyList<string> Aliases,
    UnitPolicy Policy,
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyList<Item> Items,
    IReadOnlyList<Blueprint> Blueprints)
{
    /// <summary>Every statement of every outcome, in natural order of reference (3.9 before 3.10).</summary>
    public IReadOnlyList<Statement> Statements =>
        Outcomes.SelectMany(outcome => outcome.Statements).OrderBy(statement => statement.Reference, NaturalOrder.Comparer).ToList();

    /// <summary>The unit's error-free briefs (briefs/*.md), by id.</summary>
    public IReadOnlyList<Brief> Briefs { get; init; } = [];

    /// <summary>How the awarding body assesses the unit (unit.md's methods); empty where unit.md does not say.</summary>
    public IReadOnlyList<AssessmentMethod> Methods { get; init; } = [];

    public Statement? StatementByReference(string reference) =>
        Outcomes.SelectMany(outcome => outcome.Statements).FirstOrDefault(statement => statement.Reference == reference);
}

/// <summary>A choice option; <paramref name="Key"/> is stable within the item ("a", "b", … in source order).</summary>
public sealed record Option(string Key, string Html, bool Correct);

/// <summary>One correct pair of a match item (one per table row); the answer is plain text.</summary>
public sealed record MatchPair(string Key, string PromptHtml, string Answer);

/// <summary>One item revision as parsed from its Markdown file; the HTML parts are already sanitised.</summary>
public sealed record Item(
    string Id,
    string UnitCode,
    string SourcePath,
    ItemType Type,
    IReadOnlyList<string> Statements,
    int Marks,
    string? Difficulty,
    bool Shuffle,
    DateOnly? ValidUntil,
    Scoring Scoring,
    int? MinWords,
    int? MaxWords,
    string StemHtml,
    IReadOnlyList<Option> Options,
    IReadOnlyList<MatchPair> Pairs,
    IReadOnlyList<string> Distractors,
    IReadOnlyList<string> AcceptedAnswers,
    string? MarkingGuidanceHtml,
    string? FeedbackHtml,
    string ContentHash,
    string Markdown)
{
    /// <summary>Ids of the items this one must never share a form with (each gives away the other's answer); named both ways.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>Whether the sampler may draw it on <paramref name="today"/> (valid_until is the last valid day).</summary>
    public bool IsCurrentOn(DateOnly today) => ValidUntil is not { } until || until >= today;
}

/// <summary>A blueprint section: <paramref name="Items"/> or <paramref name="Marks"/> per form from one outcome, optionally restricted to types.</summary>
public sealed record BlueprintSection(int Outcome, int? Items, int? Marks, IReadOnlyList<ItemType>? Types)
{
    public bool Accepts(Item item, Unit unit) =>
        (Types is null || Types.Contains(item.Type)) &&
        item.Statements.Any(reference => unit.StatementByReference(reference)?.Outcome == Outcome);
}

/// <summary>A test blueprint from test.md: what every form of the test must contain.</summary>
public sealed record Blueprint(
    string Id,
    string Title,
    string UnitCode,
    int DurationMinutes,
    TimeLimit TimeLimit,
    int PassPercent,
    int Occasions,
    IReadOnlyList<BlueprintSection> Sections,
    string InstructionsHtml,
    string SourcePath)
{
    /// <summary>
    /// How far a form's total marks may stray from the blueprint's (the sum of its sections' marks; for sections drawn by
    /// item count, the usual total of its forms). Null: not checked.
    /// </summary>
    public int? MarksTolerance { get; init; }

    /// <summary>The total marks every form aims at, when every section is drawn by marks.</summary>
    public int? TotalMarks => Sections.All(section => section.Marks is not null) ? Sections.Sum(section => section.Marks!.Value) : null;
}

/// <summary>The result of loading (parsing and linting) item-bank files.</summary>
public sealed record BankLoad(IReadOnlyList<Unit> Units, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>The bank's error-free qualifications (qualifications/*.md), by code.</summary>
    public IReadOnlyList<Qualification> Qualifications { get; init; } = [];

    public bool HasErrors => Diagnostics.Any(diagnostic => diagnostic.Severity == Severity.Error);
}

/// <summary>
/// How to load: <paramref name="Today"/> decides which items are past valid_until. With <paramref name="WholeUnits"/>
/// false the files are a part of their units (one uploaded item), so unit-wide checks — statements without items and
/// blueprint feasibility — are skipped.
/// </summary>
public sealed record LoadOptions(DateOnly Today, bool WholeUnits = true)
{
    public static LoadOptions Now() => new(DateOnly.FromDateTime(DateTime.UtcNow));
}
