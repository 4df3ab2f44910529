using System.Globalization;
using System.Text;

namespace AssessmentEngine.ItemBank.Sampling;

/// <summary>One candidate over the simulated occasions: items met again, and statements tested of those the blueprint samples.</summary>
public sealed record CandidateSummary(int Candidate, int Repeats, int StatementsCovered, int StatementsSampled);

/// <summary>One simulated sitting: its largest pairwise overlap and the least any assembly could reach.</summary>
public sealed record OccasionSummary(int Occasion, int LargestPairwiseOverlap, int OverlapLowerBound);

/// <summary>
/// One candidate's form on one occasion: its total marks and the marks an assessor marks (written), the statements of
/// the sampled outcomes it leaves out, and the pairs of enemy items it holds (which should never happen).
/// </summary>
public sealed record FormSummary(int Occasion, int Candidate, int Questions, int TotalMarks, int WrittenMarks, IReadOnlyList<string> MissingStatements, IReadOnlyList<string> EnemyPairs)
{
    public double WrittenShare => TotalMarks == 0 ? 0 : (double)WrittenMarks / TotalMarks;
}

/// <summary>How often one eligible item was drawn over the whole simulation.</summary>
public sealed record ItemExposure(string ItemId, int Section, int Uses);

/// <summary>
/// What <c>./ae itembank simulate</c> prints: whether the bank can serve the blueprint, and how the forms of a sitting
/// of that size would look over that many occasions. <see cref="ToString"/> is the plain-text table.
/// </summary>
public sealed record SimulationReport(
    string UnitCode,
    string BlueprintId,
    int Candidates,
    int Occasions,
    int Seed,
    IReadOnlyList<string> Infeasibilities,
    IReadOnlyList<OccasionSummary> PerOccasion,
    IReadOnlyList<CandidateSummary> PerCandidate,
    IReadOnlyList<ItemExposure> Exposure,
    IReadOnlyList<string> Notes)
{
    /// <summary>Every form of every occasion, in order.</summary>
    public IReadOnlyList<FormSummary> PerForm { get; init; } = [];

    /// <summary>The total a form should have (see <see cref="Blueprint.MarksTolerance"/>), and how far it may stray; null when unchecked.</summary>
    public (int Total, int Tolerance)? MarksTarget { get; init; }

    /// <summary>Forms whose total marks are further from the target than the blueprint allows.</summary>
    public IReadOnlyList<FormSummary> OutsideTolerance => MarksTarget is { } target
        ? [.. PerForm.Where(form => Math.Abs(form.TotalMarks - target.Total) > target.Tolerance)]
        : [];

    public int TotalRepeats => PerCandidate.Sum(candidate => candidate.Repeats);

    public int ExposureMin => Exposure.Count == 0 ? 0 : Exposure.Min(item => item.Uses);

    public int ExposureMax => Exposure.Count == 0 ? 0 : Exposure.Max(item => item.Uses);

    public override string ToString()
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

        Line(Format($"{UnitCode} · {BlueprintId}: {Candidates} candidate(s) × {Occasions} occasion(s), seed {Seed}"));
        Line("");
        Line("Infeasibilities");
        if (Infeasibilities.Count == 0)
        {
            Line("  none: every section can be served on every occasion without repeating an item");
        }

        foreach (var infeasibility in Infeasibilities)
        {
            Line("  " + infeasibility);
        }

        if (PerOccasion.Count == 0)
        {
            return text.ToString();
        }

        Line("");
        Line("Occasion  Largest pairwise overlap  Lower bound");
        foreach (var occasion in PerOccasion)
        {
            Line(Format($"{occasion.Occasion,8}  {occasion.LargestPairwiseOverlap,24}  {occasion.OverlapLowerBound,11}"));
        }

        Line("");
        Line(MarksTarget is { } target
            ? Format($"Forms (total marks should be {target.Total} ± {target.Tolerance})")
            : "Forms (the blueprint sets no marks_tolerance)");
        Line("Occasion  Questions  Total marks  Written share  Missing a statement  Enemy pairs  Outside tolerance");
        foreach (var occasion in PerForm.GroupBy(form => form.Occasion))
        {
            var outside = OutsideTolerance.Count(form => form.Occasion == occasion.Key);
            Line(Format($"{occasion.Key,8}  {Range(occasion.Min(form => form.Questions), occasion.Max(form => form.Questions)),9}  {Range(occasion.Min(form => form.TotalMarks), occasion.Max(form => form.TotalMarks)),11}  {Range((int)Math.Round(100 * occasion.Min(form => form.WrittenShare)), (int)Math.Round(100 * occasion.Max(form => form.WrittenShare))) + " %",13}  {occasion.Count(form => form.MissingStatements.Count > 0),19}  {occasion.Sum(form => form.EnemyPairs.Count),11}  {outside,17}"));
        }

        foreach (var form in PerForm.Where(form => form.MissingStatements.Count > 0 || form.EnemyPairs.Count > 0).Concat(OutsideTolerance).Distinct().Take(20))
        {
            Line(Format($"  occasion {form.Occasion}, candidate {form.Candidate}: {form.TotalMarks} marks") +
                (form.MissingStatements.Count > 0 ? "; leaves out " + string.Join(", ", form.MissingStatements) : "") +
                (form.EnemyPairs.Count > 0 ? "; holds enemy items " + string.Join(", ", form.EnemyPairs) : ""));
        }

        Line("");
        Line("Candidate  Repeats  Statements covered");
        foreach (var candidate in PerCandidate)
        {
            Line(Format($"{candidate.Candidate,9}  {candidate.Repeats,7}  {candidate.StatementsCovered,8} of {candidate.StatementsSampled}"));
        }

        Line(Format($"{"total",9}  {TotalRepeats,7}"));
        Line("");
        Line("Section  Items  Uses min  Uses max");
        foreach (var section in Exposure.GroupBy(item => item.Section).OrderBy(group => group.Key))
        {
            Line(Format($"{section.Key,7}  {section.Count(),5}  {section.Min(item => item.Uses),8}  {section.Max(item => item.Uses),8}"));
        }

        Line(Format($"{"all",7}  {Exposure.Count,5}  {ExposureMin,8}  {ExposureMax,8}"));
        if (Notes.Count > 0)
        {
            Line("");
            Line("Notes");
            foreach (var note in Notes)
            {
                Line("  " + note);
            }
        }

        return text.ToString();
    }

    private static string Range(int low, int high) => low == high ? low.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{low}–{high}");
}

/// <summary>Assembles the forms a sitting of a given size would get over several occasions, as tutors do to judge a bank's depth.</summary>
public static class Simulation
{
    /// <summary>
    /// Every candidate sits every occasion; occasion o is a sitting a week after occasion o − 1, and each candidate's
    /// history carries over. A blueprint the bank cannot serve even once yields a report with only its infeasibilities.
    /// </summary>
    public static SimulationReport Run(Unit unit, Blueprint blueprint, int candidates, int occasions, int seed, DateOnly today)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(occasions);

        var infeasibilities = Feasibility.Check(unit, blueprint with { Occasions = Math.Max(1, occasions) }, today)
            .Select(shortfall => shortfall.Describe(blueprint with { Occasions = Math.Max(1, occasions) })).ToList();
        SamplingPlan plan;
        try
        {
            plan = SamplingPlan.Prepare(unit, blueprint, today);
        }
        catch (InfeasibleBlueprintException)
        {
            return new SimulationReport(unit.Code, blueprint.Id, candidates, occasions, seed, infeasibilities, [], [], [], []);
        }

        var histories = Enumerable.Repeat(CandidateHistory.None, candidates).ToArray();
        var repeats = new int[candidates];
        var exposure = new Dictionary<string, int>(StringComparer.Ordinal);
        var perOccasion = new List<OccasionSummary>();
        var perForm = new List<FormSummary>();
        var itemsById = unit.Items.ToDictionary(item => item.Id, StringComparer.Ordinal);
        var sampledOutcomes = blueprint.Sections.Select(section => section.Outcome).ToHashSet();
        var sampledStatements = unit.Outcomes.Where(outcome => sampledOutcomes.Contains(outcome.Number))
            .SelectMany(outcome => outcome.Statements).Where(statement => statement.Online).Select(statement => statement.Reference).ToList();
        var notes = new SortedSet<string>(StringComparer.Ordinal);
        var start = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var occasion = 0; occasion < occasions; occasion++)
        {
            var sitting = plan.AssembleSitting(histories, exposure, SplitMix.Derive(seed, occasion));
            perOccasion.Add(new OccasionSummary(occasion + 1, sitting.LargestPairwiseOverlap, sitting.OverlapLowerBound));
            for (var c = 0; c < candidates; c++)
            {
                var form = sitting.Forms[c];
                repeats[c] += form.Reused.Count;
                histories[c] = histories[c].After(form, start.AddDays(7 * occasion));
                foreach (var item in form.Items)
                {
                    exposure[item.ItemId] = exposure.GetValueOrDefault(item.ItemId) + 1;
                }

                notes.UnionWith(form.Notes);
                perForm.Add(Summarise(occasion + 1, c + 1, form, itemsById, sampledStatements));
            }
        }

        var perCandidate = histories.Select((history, c) => new CandidateSummary(c + 1, repeats[c],
            sampledStatements.Count(history.TestedStatements.Contains), sampledStatements.Count)).ToList();

        // An item counts under the first section that may draw it, which is the only one for the seed units.
        var items = plan.EligibleItems.Select(item => new ItemExposure(item.Id,
                1 + blueprint.Sections.Select((section, k) => (section, k)).First(entry => entry.section.Accepts(item, unit)).k,
                exposure.GetValueOrDefault(item.Id)))
            .OrderBy(item => item.Section).ThenBy(item => item.ItemId, StringComparer.Ordinal).ToList();
        var target = blueprint.MarksTolerance is not { } tolerance ? ((int, int)?)null
            : blueprint.TotalMarks is { } total ? (total, tolerance)
            : perForm.Count == 0 ? null : (perForm.Select(form => form.TotalMarks).Order().ElementAt(perForm.Count / 2), tolerance);
        return new SimulationReport(unit.Code, blueprint.Id, candidates, occasions, seed, infeasibilities, perOccasion, perCandidate, items, [.. notes])
        {
            PerForm = perForm,
            MarksTarget = target,
        };
    }

    private static FormSummary Summarise(int occasion, int candidate, Form form, Dictionary<string, Item> items, List<string> sampled)
    {
        var on = form.Items.Select(formItem => items[formItem.ItemId]).ToList();
        var ids = on.Select(item => item.Id).ToHashSet(StringComparer.Ordinal);
        var covered = on.SelectMany(item => item.Statements).ToHashSet(StringComparer.Ordinal);
        var enemies = on.SelectMany(item => item.Excludes.Where(ids.Contains).Select(other => string.CompareOrdinal(item.Id, other) < 0 ? $"{item.Id}+{other}" : $"{other}+{item.Id}"))
            .Distinct(StringComparer.Ordinal).ToList();
        return new FormSummary(occasion, candidate, on.Count, on.Sum(item => item.Marks), on.Where(item => item.Type == ItemType.Extended).Sum(item => item.Marks),
            [.. sampled.Where(reference => !covered.Contains(reference))], enemies);
    }
}
