using System.Globalization;
using System.Text;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// A synthetic unit of realistic shape: 5 outcomes × 10 statements, items of every type in the proportions a real
/// bank has (mostly single and multiple), stems of one to three sentences with emphasis, feedback on most items.
/// Seeded, so every run lints the same bytes.
/// </summary>
public static class GeneratedBank
{
    private static readonly string[] Words =
    [
        "customer", "service", "organisation", "complaint", "feedback", "standard", "policy", "procedure", "legislation",
        "experience", "expectation", "brand", "loyalty", "retention", "communication", "colleague", "partner", "quality",
        "improvement", "evaluation", "measure", "target", "survey", "response", "charter", "journey", "satisfaction",
        "public", "sector", "council", "agency", "resident", "telephone", "email", "written", "time", "record", "data",
    ];

    public static Dictionary<string, byte[]> Create(int items, int seed = 42)
    {
        var random = new Random(seed);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["gen/unit.md"] = Utf8(UnitMd()),
            ["gen/test.md"] = Utf8(TestMd()),
        };
        for (var n = 0; n < items; n++)
        {
            var statement = $"{n % 5 + 1}.{n / 5 % 10 + 1}";
            var id = $"gen-{statement}-{n:00000}";
            files[$"gen/items/{id}.md"] = Utf8(Item(random, id, statement, n));
        }

        return files;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string UnitMd()
    {
        var text = new StringBuilder("---\nunit: GEN 01\ntitle: A generated unit\nawarding_body: SQA\nlevel: SCQF 8\naliases: []\npolicy:\n  window_weeks: 6\n  open_book: true\n  invigilated: true\n---\n");
        for (var outcome = 1; outcome <= 5; outcome++)
        {
            text.Append(CultureInfo.InvariantCulture, $"# Outcome {outcome}: Understand area {outcome}\n");
            for (var statement = 1; statement <= 10; statement++)
            {
                text.Append(CultureInfo.InvariantCulture, $"- **{outcome}.{statement}** Explain aspect {statement} of area {outcome}\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string TestMd()
    {
        var text = new StringBuilder("---\ntest: gen-online\ntitle: Generated test\nduration_minutes: 60\ntime_limit: hard\npass_percent: 60\noccasions: 3\nsections:\n");
        for (var outcome = 1; outcome <= 5; outcome++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - outcome: {outcome}\n    items: 6\n    types: [single, multiple, truefalse, match, short]\n  - outcome: {outcome}\n    items: 1\n    types: [extended]\n");
        }

        return text.Append("---\nYou may use your notes. **Read each question carefully.**\n").ToString();
    }

    private static string Item(Random random, string id, string statement, int n)
    {
        var kind = (n / 5 % 20) switch
        {
            < 8 => "single",
            < 12 => "multiple",
            < 14 => "truefalse",
            < 16 => "match",
            < 18 => "short",
            _ => "extended",
        };
        var front = new StringBuilder().Append(CultureInfo.InvariantCulture, $"---\nid: {id}\ntype: {kind}\nstatements: [\"{statement}\"]\n");
        var body = new StringBuilder(Sentences(random, random.Next(1, 4), emphasis: true)).Append("\n\n");
        switch (kind)
        {
            case "single" or "multiple":
                var options = random.Next(4, 7);
                var correct = kind == "single" ? 1 : random.Next(1, options);
                front.Append(CultureInfo.InvariantCulture, $"marks: {(kind == "single" ? 1 : 2)}\ndifficulty: medium\n").Append(kind == "multiple" ? "scoring: partial\n" : "");
                for (var o = 0; o < options; o++)
                {
                    body.Append(o < correct ? "- [x] " : "- [ ] ").Append(Phrase(random, 4, 12)).Append(CultureInfo.InvariantCulture, $" ({o})\n");
                }

                break;
            case "truefalse":
                front.Append("marks: 1\n");
                body.Append(random.Next(2) == 0 ? "- [x] True\n- [ ] False\n" : "- [ ] True\n- [x] False\n");
                break;
            case "match":
                front.Append("distractors: [\"An unrelated process\"]\n");
                body.Append("| Prompt | Answer |\n| --- | --- |\n");
                for (var row = 0; row < 4; row++)
                {
                    body.Append("| ").Append(Phrase(random, 2, 5)).Append(CultureInfo.InvariantCulture, $" {row} | ").Append(Phrase(random, 4, 10)).Append(CultureInfo.InvariantCulture, $" {row} |\n");
                }

                break;
            case "short":
                front.Append("marks: 1\n");
                body.Append("## Accepted answers\n\n");
                for (var answer = 0; answer < random.Next(2, 6); answer++)
                {
                    body.Append("- ").Append(Phrase(random, 1, 3)).Append(CultureInfo.InvariantCulture, $" {answer}\n");
                }

                break;
            default:
                front.Append("marks: 6\nwords: [200, 400]\n");
                body.Append("## Marking guidance\n\n");
                for (var point = 0; point < 4; point++)
                {
                    body.Append("- Up to ").Append(point + 1).Append(" mark(s): ").Append(Phrase(random, 8, 16)).Append(".\n");
                }

                break;
        }

        if (random.Next(4) > 0)
        {
            body.Append("\n## Feedback\n\n").Append(Sentences(random, random.Next(1, 3), emphasis: false)).Append('\n');
        }

        return front.Append("---\n").Append(body).ToString();
    }

    private static string Sentences(Random random, int count, bool emphasis)
    {
        var text = new StringBuilder();
        for (var s = 0; s < count; s++)
        {
            var phrase = Phrase(random, 8, 20);
            if (emphasis && s == 0)
            {
                var space = phrase.IndexOf(' ', StringComparison.Ordinal);
                phrase = "**" + phrase[..space] + "**" + phrase[space..];
            }

            text.Append(char.ToUpperInvariant(phrase[0])).Append(phrase.AsSpan(1)).Append(s == count - 1 ? "?" : ". ");
        }

        return text.ToString();
    }

    private static string Phrase(Random random, int min, int max) =>
        string.Join(' ', Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Words[random.Next(Words.Length)]));
}
