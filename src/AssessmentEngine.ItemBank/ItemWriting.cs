using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AssessmentEngine.ItemBank;

/// <summary>Where an item's parts are in its file, for pointing at them.</summary>
internal sealed record ItemLines(int Type, int Marks, int OptionList, IReadOnlyList<int> Options, int Distractors, int AcceptedAnswers);

/// <summary>
/// Item-writing flaws: cues that let a candidate who does not know the answer find it. Each is a warning with the line
/// and the reason; the rules are specified in itembank/README.md ("Item-writing checks").
/// </summary>
internal static partial class ItemWriting
{
    /// <summary>A key more than this much longer than every other option gives itself away.</summary>
    public const double LongestKeyRatio = 1.3;

    /// <summary>Across a bank, the key may be the longest option in at most this share of single-choice items.</summary>
    public const double LongestKeyShare = 1.0 / 3;

    /// <summary>Across a bank, True must be the key of between these shares of its true/false items.</summary>
    public const double TrueShareLow = 0.4, TrueShareHigh = 0.6;

    /// <summary>Shares are judged only over at least this many items.</summary>
    public const int BankMinimum = 6;

    /// <summary>A match item needs at least this many spare answers, so the last pair is never free.</summary>
    public const int MatchDistractors = 2;

    /// <summary>An auto-marked item is worth at most this many marks, so one guess or slip cannot swing a form.</summary>
    public const int AutoMarkedMarks = 3;

    private static readonly string[] Absolutes = ["never", "always", "only"];

    // Common words a key and its stem may share without giving anything away.
    private static readonly HashSet<string> Common = new(
        ["about", "above", "after", "again", "against", "their", "there", "these", "those", "which", "while", "where", "would", "could",
         "should", "other", "being", "under", "until", "because", "before", "between", "through", "during", "within", "without", "every",
         "whose", "what", "when", "with", "from", "into", "that", "this", "they", "them", "than", "then", "have", "will", "your", "more",
         "most", "such", "some", "each", "also", "must", "does", "done", "make", "made", "many", "much", "only", "over", "very", "best",
         "following", "statement", "statements", "describes", "describe", "example", "examples", "correct", "true", "false", "likely",
         "customer", "customers", "service", "services", "organisation", "organisations", "staff", "people", "person"],
        StringComparer.Ordinal);

    /// <summary>The flaws one item shows on its own.</summary>
    public static void Check(Item item, ItemLines lines, FileReport report)
    {
        var stem = Words(Text(item.StemHtml));
        if (item.Type != ItemType.Extended && item.Marks > AutoMarkedMarks)
        {
            report.Warning(lines.Marks, $"an auto-marked item is worth {item.Marks} marks: at most {AutoMarkedMarks}, so one guess or slip " +
                "cannot swing a form; split it into smaller items or ask for a written answer");
        }

        switch (item.Type)
        {
            case ItemType.Single or ItemType.Multiple:
                CheckOptions(item, lines, stem, report);
                break;
            case ItemType.Match when item.Distractors.Count < MatchDistractors:
                report.Warning(item.Distractors.Count == 0 ? lines.Type : lines.Distractors,
                    $"a match item has {item.Distractors.Count} distractor(s): give at least {MatchDistractors} answers that match no prompt " +
                    "(distractors: [...]), or the last pair is free");
                break;
            case ItemType.Short:
                foreach (var answer in item.AcceptedAnswers.Where(answer => Contains(stem, Words(answer))))
                {
                    report.Warning(lines.AcceptedAnswers, $"the stem names its own answer: the accepted answer '{answer}' is in the question");
                    break;
                }

                break;
        }
    }

    private static void CheckOptions(Item item, ItemLines lines, string[] stem, FileReport report)
    {
        var texts = item.Options.Select(option => Text(option.Html)).ToList();
        int LineOf(int option) => option < lines.Options.Count ? lines.Options[option] : lines.OptionList;
        var keys = item.Options.Select((option, index) => (option, index)).Where(entry => entry.option.Correct).Select(entry => entry.index).ToList();
        var wrong = item.Options.Select((option, index) => (option, index)).Where(entry => !entry.option.Correct).Select(entry => entry.index).ToList();

        foreach (var index in wrong)
        {
            var words = Words(texts[index]);
            if (Absolutes.FirstOrDefault(word => words.Contains(word, StringComparer.Ordinal)) is { } absolute)
            {
                report.Warning(LineOf(index), $"the distractor '{Shorten(texts[index])}' says '{absolute}': absolute words mark an option as wrong; reword it");
            }
        }

        if (item.Type == ItemType.Single && keys.Count == 1 && wrong.Count > 0)
        {
            var key = keys[0];
            var longestWrong = wrong.Max(index => texts[index].Length);
            if (texts[key].Length > LongestKeyRatio * longestWrong)
            {
                report.Warning(LineOf(key), $"the key is much the longest option ({texts[key].Length} characters; the longest distractor has {longestWrong}): " +
                    "make the options similar in length");
            }
        }

        var distractorWords = wrong.SelectMany(index => Words(texts[index])).ToHashSet(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var keyWords = Words(texts[key]);
            if (keyWords.Length > 0 && Contains(stem, keyWords))
            {
                report.Warning(LineOf(key), $"the stem names its own answer: the key '{Shorten(texts[key])}' is in the question");
                continue;
            }

            var echoed = keyWords.FirstOrDefault(word => word.Length >= 5 && !Common.Contains(word) && stem.Contains(word, StringComparer.Ordinal) && !distractorWords.Contains(word));
            if (echoed is not null)
            {
                report.Warning(LineOf(key), $"the key repeats '{echoed}' from the stem and no distractor does: the echo points at the answer; reword the key or use the word in a distractor");
            }
        }
    }

    /// <summary>The flaws a bank shows only as a whole: keys that are the longest option too often, lopsided true/false keys.</summary>
    public static void CheckBank(IReadOnlyList<Item> items, FileReport report, int line)
    {
        var singles = items.Where(item => item.Type == ItemType.Single && item.Options.Count(option => option.Correct) == 1 && item.Options.Count > 1).ToList();
        if (singles.Count >= BankMinimum)
        {
            var longest = singles.Count(KeyIsLongest);
            if (longest > LongestKeyShare * singles.Count)
            {
                report.Warning(line, string.Create(CultureInfo.InvariantCulture,
                    $"the key is the longest option in {longest} of {singles.Count} single-choice items ({100.0 * longest / singles.Count:0}%): keep it to a third or fewer, or length tells candidates the answer"));
            }
        }

        var trueFalse = items.Where(item => item.Type == ItemType.TrueFalse).ToList();
        if (trueFalse.Count >= BankMinimum)
        {
            var trueKeys = trueFalse.Count(item => item.Options.Any(option => option.Correct && Text(option.Html).Equals("True", StringComparison.OrdinalIgnoreCase)));
            var share = (double)trueKeys / trueFalse.Count;
            if (share < TrueShareLow || share > TrueShareHigh)
            {
                report.Warning(line, string.Create(CultureInfo.InvariantCulture,
                    $"True is the key of {trueKeys} of {trueFalse.Count} true/false items ({100 * share:0}%): keep it between 40% and 60%, or guessing the usual key pays"));
            }
        }
    }

    /// <summary>Whether the key is strictly longer than every distractor.</summary>
    public static bool KeyIsLongest(Item item)
    {
        var texts = item.Options.Select(option => (Text(option.Html).Length, option.Correct)).ToList();
        var key = texts.Single(option => option.Correct).Length;
        return texts.Where(option => !option.Correct).All(option => option.Length < key);
    }

    /// <summary>The text of sanitised HTML: tags removed, entities decoded, spacing collapsed.</summary>
    public static string Text(string html) => Spacing().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    private static string[] Words(string text) => [.. WordPattern().Matches(text.ToLowerInvariant()).Select(match => match.Value)];

    /// <summary>Whether <paramref name="phrase"/> occurs in <paramref name="words"/> as consecutive whole words.</summary>
    private static bool Contains(string[] words, string[] phrase)
    {
        if (phrase.Length == 0 || string.Concat(phrase).Length < 3)
        {
            return false;
        }

        for (var start = 0; start + phrase.Length <= words.Length; start++)
        {
            if (words.AsSpan(start, phrase.Length).SequenceEqual(phrase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Shorten(string text) => text.Length <= 50 ? text : text[..47] + "...";

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spacing();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)?")]
    private static partial Regex WordPattern();
}
