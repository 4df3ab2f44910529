using System.Text.RegularExpressions;
using AssessmentEngine.ItemBank;

namespace AssessmentEngine.Web.Features.Attempts.Marking;

/// <summary>Marks objective items as the authoring guide says; extended responses wait for an assessor (null).</summary>
public static partial class AutoMarking
{
    public static decimal? Mark(Item item, Response? response)
    {
        response ??= Response.Empty;
        return item.Type switch
        {
            ItemType.Single or ItemType.TrueFalse => item.Options.Any(o => o.Correct && o.Key == response.Choice) ? item.Marks : 0,
            ItemType.Multiple => Multiple(item, response.Choices ?? []),
            ItemType.Match => Match(item, response.Matches ?? new Dictionary<string, string>()),
            ItemType.Short => Normalise(response.Text ?? "") is { Length: > 0 } given && item.AcceptedAnswers.Any(a => Normalise(a) == given) ? item.Marks : 0,
            _ => null,
        };
    }

    /// <summary>All or nothing: only the exact set. Partial: each correct choice earns its share, each wrong one takes a share away, never below zero.</summary>
    private static decimal Multiple(Item item, IReadOnlyList<string> chosen)
    {
        var correct = item.Options.Where(o => o.Correct).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var picked = chosen.ToHashSet(StringComparer.Ordinal);
        if (item.Scoring == Scoring.AllOrNothing)
        {
            return picked.SetEquals(correct) ? item.Marks : 0;
        }

        var right = picked.Count(correct.Contains);
        var wrong = picked.Count - right;
        return Math.Max(0, Math.Round((decimal)item.Marks * (right - wrong) / correct.Count, 2));
    }

    /// <summary>Each correct pair earns its share of the item's marks.</summary>
    private static decimal Match(Item item, IReadOnlyDictionary<string, string> matches)
    {
        var right = item.Pairs.Count(pair => matches.TryGetValue(pair.Key, out var answer) && answer == pair.Answer);
        return Math.Round((decimal)item.Marks * right / item.Pairs.Count, 2);
    }

    /// <summary>
    /// As the authoring guide says: case ignored, runs of spaces collapsed, and punctuation at either end of a word
    /// dropped ("The service-profit chain." is "the service-profit chain"); punctuation inside a word counts.
    /// </summary>
    public static string Normalise(string text) => string.Join(' ',
        Spaces().Split(text.ToLowerInvariant()).Select(word => word.Trim(Punctuation)).Where(word => word.Length > 0));

    private static readonly char[] Punctuation = ".,;:!?\"'‘’“”()[]{}…".ToCharArray();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
