namespace AssessmentEngine.ItemBank;

/// <summary>A theme of an optional group: <paramref name="AtLeast"/> of the group's choices must come from its units.</summary>
public sealed record QualificationTheme(string Name, int AtLeast, IReadOnlyList<string> Units);

/// <summary>
/// A group of a qualification's rules of combination: every unit (<paramref name="Choose"/> null, a mandatory group), or
/// at least <paramref name="Choose"/> of them; units listed directly or by theme, each theme with its own minimum; and, where the
/// awarding body counts credit, at least <paramref name="MinCredits"/> from the group.
/// </summary>
public sealed record QualificationGroup(string Name, int? Choose, int? MinCredits, IReadOnlyList<string> Units, IReadOnlyList<QualificationTheme> Themes)
{
    /// <summary>Credit the group needs from units of one level (OCR's "a minimum 10 credits must be achieved at Level 3"); null: none.</summary>
    public LevelCredits? MinCreditsAtLevel { get; init; }

    public bool Mandatory => Choose is null;

    /// <summary>The group's units, those listed directly then those of each theme.</summary>
    public IReadOnlyList<string> AllUnits => [.. Units, .. Themes.SelectMany(theme => theme.Units)];

    /// <summary>How many units the group asks for: all of them, or the number to choose.</summary>
    public int Required => Choose ?? AllUnits.Count;
}

/// <summary>At least <paramref name="Credits"/> credits from units of level <paramref name="Level"/>.</summary>
public sealed record LevelCredits(int Level, int Credits);

/// <summary>A unit a qualification lists that this bank does not hold: its title and level as the specification gives them.</summary>
public sealed record OutsideUnit(string Title, int Level);

/// <summary>
/// A qualification as itembank/qualifications/&lt;name&gt;.md defines it: its code and title, the awarding body and level, and
/// its rules of combination (groups of bank units; credit values and an overall minimum where the specification gives them),
/// with the specification lines that state them and a short description as safe HTML.
/// </summary>
public sealed record Qualification(
    string Code,
    string Title,
    string AwardingBody,
    string Level,
    IReadOnlyList<QualificationGroup> Groups,
    IReadOnlyDictionary<string, int> Credits,
    int? MinCredits,
    string Seed,
    string SourcePath,
    string DescriptionHtml)
{
    /// <summary>Every unit of the qualification, in the order its groups list them.</summary>
    public IReadOnlyList<string> Units => Groups.SelectMany(group => group.AllUnits).ToList();

    public int CreditOf(string unitCode) => Credits.GetValueOrDefault(unitCode);

    /// <summary>Units the qualification lists that the bank does not hold (no candidate can be assessed on them here), by code.</summary>
    public IReadOnlyDictionary<string, OutsideUnit> OutsideBank { get; init; } = new Dictionary<string, OutsideUnit>();

    /// <summary>Each unit's level where known (a bank unit's from its unit.md, an outside unit's as given), for credit at a level.</summary>
    public IReadOnlyDictionary<string, int> Levels { get; init; } = new Dictionary<string, int>();
}
