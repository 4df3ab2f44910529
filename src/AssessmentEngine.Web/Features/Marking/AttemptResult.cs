using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;

namespace AssessmentEngine.Web.Features.Marking;

public sealed record OutcomeResult(int Outcome, string Title, decimal Marks, int Available);

public sealed record StatementResult(string Reference, int Outcome, decimal Marks, decimal Available);

/// <summary>
/// An attempt's marks: per outcome and statement, total and percentage, and whether the pass mark is met. Each item counts
/// under its statements (its marks shared equally between them). A response an assessor has not marked yet counts
/// nothing and is reported as awaiting.
/// </summary>
public sealed record AttemptResult(
    IReadOnlyList<OutcomeResult> Outcomes, IReadOnlyList<StatementResult> Statements, decimal Total, int Available, decimal Percent,
    bool MeetsPassMark, int AwaitingMarks)
{
    public static decimal? MarkOf(Attempt attempt, string itemId) =>
        attempt.AutoMarks.TryGetValue(itemId, out var auto) ? auto
        : attempt.AssessorMarks.TryGetValue(itemId, out var marked) ? marked.Marks
        : null;

    public static AttemptResult Of(Attempt attempt, IReadOnlyDictionary<string, Item> items, IReadOnlyList<Outcome> outcomes)
    {
        var outcomeOf = outcomes.SelectMany(o => o.Statements).GroupBy(s => s.Reference).ToDictionary(g => g.Key, g => g.First().Outcome);
        var byOutcome = new Dictionary<int, (decimal Marks, int Available)>();
        var byStatement = new Dictionary<string, (decimal Marks, decimal Available)>();
        decimal total = 0;
        var available = 0;
        var awaiting = 0;
        foreach (var formItem in attempt.Form?.Items ?? [])
        {
            var item = items[formItem.ItemId];
            var mark = MarkOf(attempt, item.Id);
            awaiting += mark is null ? 1 : 0;
            total += mark ?? 0;
            available += item.Marks;
            var outcome = item.Statements.Select(s => outcomeOf.GetValueOrDefault(s)).FirstOrDefault(o => o > 0);
            var (om, oa) = byOutcome.GetValueOrDefault(outcome);
            byOutcome[outcome] = (om + (mark ?? 0), oa + item.Marks);
            foreach (var statement in item.Statements)
            {
                var (sm, sa) = byStatement.GetValueOrDefault(statement);
                byStatement[statement] = (sm + (mark ?? 0) / item.Statements.Count, sa + (decimal)item.Marks / item.Statements.Count);
            }
        }

        var percent = available == 0 ? 0 : Math.Round(total * 100 / available, 1);
        return new AttemptResult(
            byOutcome.OrderBy(o => o.Key).Select(o => new OutcomeResult(o.Key, outcomes.FirstOrDefault(x => x.Number == o.Key)?.Title ?? $"Outcome {o.Key}", o.Value.Marks, o.Value.Available)).ToList(),
            byStatement.OrderBy(s => s.Key, NaturalOrder.Comparer).Select(s => new StatementResult(s.Key, outcomeOf.GetValueOrDefault(s.Key), Math.Round(s.Value.Marks, 2), Math.Round(s.Value.Available, 2))).ToList(),
            total, available, percent, available > 0 && percent >= attempt.PassPercent, awaiting);
    }
}

/// <summary>
/// The centre's internal verification sample (the default rule): every attempt judged not yet competent, every attempt
/// within 5 percentage points of the pass mark, and of each assessor's other decisions a tenth, at least one.
/// </summary>
public static class SamplingRule
{
    public const decimal NearThePassMark = 5;
    public const int OneIn = 10;

    /// <summary>Why this attempt is sampled as its decision is recorded, or null. <paramref name="assessorsOthers"/>: that assessor's earlier other decisions and how many were sampled.</summary>
    public static string? Reason(AssessmentDecisionRecorded decision, AttemptResult result, int passPercent, (int Decided, int Sampled) assessorsOthers)
    {
        if (decision.Decision == Decisions.NotYetCompetent)
        {
            return "not yet competent";
        }

        if (Math.Abs(result.Percent - passPercent) <= NearThePassMark)
        {
            return $"within {NearThePassMark} points of the pass mark";
        }

        // At least one of each assessor's other decisions; after that each has a one-in-ten chance, drawn from the attempt's
        // id so that the draw is random across attempts but the same if it is ever made again.
        var (_, sampled) = assessorsOthers;
        var draw = System.Security.Cryptography.SHA256.HashData(decision.AttemptId.ToByteArray())[0] % OneIn;
        return sampled == 0 || draw == 0 ? $"one in {OneIn} of {decision.Assessor}'s other decisions" : null;
    }
}
