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
    public bool Mandatory => Choose is null;

    /// <summary>The group's units, those listed directly then those of each theme.</summary>
    public IReadOnlyList<string> AllUnits => [.. Units, .. Themes.SelectMany(theme => theme.Units)];

    /// <summary>How many units the group asks for: all of them, or the number to choose.</summary>
    public int Required => Choose ?? AllUnits.Count;
}

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
}
