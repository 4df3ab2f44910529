namespace AssessmentEngine.ItemBank.Sampling;

/// <summary>
/// One item on a form. <paramref name="Section"/> is 1-based, as in blueprint messages. <paramref name="OptionOrder"/>
/// lists the item's option keys (for match: its pair keys, i.e. the prompts) in the order this candidate sees them;
/// <paramref name="AnswerOrder"/> is the order of a match item's answer choices and empty for other types.
/// </summary>
public sealed record FormItem(string ItemId, string ContentHash, int Section, IReadOnlyList<string> OptionOrder, IReadOnlyList<string> AnswerOrder);

/// <summary>
/// A test form for one candidate: the item revisions in order, the seed that reproduces it (with the same bank, history,
/// sitting and exposure), the items it had to re-use because the bank was exhausted, the statements it covers, and notes
/// (a marks section that could not be hit exactly).
/// </summary>
public sealed record Form(
    string BlueprintId,
    int Seed,
    IReadOnlyList<FormItem> Items,
    IReadOnlyList<string> Reused,
    IReadOnlyList<string> StatementsCovered,
    IReadOnlyList<string> Notes);

/// <summary>An item a candidate was shown on an earlier occasion, and when.</summary>
public sealed record ShownItem(string ItemId, DateTimeOffset ShownAt);

/// <summary>What a candidate has already been assessed on: the items shown to them and the statements tested.</summary>
public sealed record CandidateHistory(IReadOnlyList<ShownItem> Shown, IReadOnlyList<string> TestedStatements)
{
    public static CandidateHistory None { get; } = new([], []);

    /// <summary>The history once the candidate has sat <paramref name="form"/> at <paramref name="at"/>.</summary>
    public CandidateHistory After(Form form, DateTimeOffset at) => new(
        [.. Shown, .. form.Items.Select(item => new ShownItem(item.ItemId, at))],
        [.. TestedStatements.Union(form.StatementsCovered, StringComparer.Ordinal)]);
}

/// <summary>
/// The forms of one sitting, in candidate order, with the largest number of items any two of them share and the
/// least that any assembly could achieve for this bank and blueprint (a pigeonhole bound).
/// </summary>
public sealed record SittingForms(IReadOnlyList<Form> Forms, int LargestPairwiseOverlap, int OverlapLowerBound);

/// <summary>A blueprint the bank cannot serve even once; the message names each short section and what it lacks.</summary>
public sealed class InfeasibleBlueprintException : Exception
{
    public InfeasibleBlueprintException()
    {
        Shortfalls = [];
    }

    public InfeasibleBlueprintException(string message) : base(message)
    {
        Shortfalls = [];
    }

    public InfeasibleBlueprintException(string message, Exception innerException) : base(message, innerException)
    {
        Shortfalls = [];
    }

    public InfeasibleBlueprintException(Blueprint blueprint, IReadOnlyList<SectionShortfall> shortfalls)
        : base(string.Join("\n", shortfalls.Select(shortfall => shortfall.Describe(blueprint))))
    {
        Shortfalls = shortfalls;
    }

    public IReadOnlyList<SectionShortfall> Shortfalls { get; }
}
