using System.Globalization;
using System.Text.RegularExpressions;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AssessmentEngine.ItemBank;

/// <summary>What the loader needs to know about an item file, whether or not it had errors.</summary>
internal sealed record ParsedItem(string Path, string? Id, int IdLine, Item? Item, FileReport Report)
{
    /// <summary>The line of 'excludes' (the id line when there is none).</summary>
    public int ExcludesLine { get; init; }
}

/// <summary>Parses and lints one item file against its unit.</summary>
internal static partial class ItemParser
{
    internal static readonly IReadOnlySet<string> KnownKeys = new HashSet<string>(
        ["id", "type", "statements", "marks", "difficulty", "shuffle", "valid_until", "scoring", "words", "distractors", "excludes"], StringComparer.Ordinal);

    private const string FeedbackSection = "feedback";
    private const string GuidanceSection = "marking guidance";
    private const string AnswersSection = "accepted answers";

    public static ParsedItem Parse(SourceText source, FileReport report, UnitContext? unit, LoadOptions options)
    {
        var front = YamlFrontMatter.Read(source.Text, report, "an item");
        if (front is null)
        {
            return new ParsedItem(report.Path, null, 1, null, report);
        }

        front.WarnAboutUnknownKeys(KnownKeys, report);

        var (id, idLine) = ReadId(front, report);
        var type = ReadType(front, report);
        var statements = ReadStatements(front, report, unit);
        var marks = ReadMarks(front, report, type);
        var difficulty = ReadDifficulty(front, report);
        var shuffle = ReadShuffle(front, report);
        var validUntil = ReadValidUntil(front, report, options.Today);
        var scoring = ReadScoring(front, report, type);
        var (minWords, maxWords) = ReadWords(front, report, type);
        var distractors = ReadDistractors(front, report, type);
        var (excludes, excludesLine) = ReadExcludes(front, report, id);

        var document = Markdown.Parse(front.Body, report, front.BodyLine);
        if (document is null || Markdown.HasTooMuchRawHtml(document, report))
        {
            return new ParsedItem(report.Path, id, idLine, null, report);
        }

        CheckLinksAndHtml(document, front.Body, report, unit);
        var regions = Regions.Split(document, report);

        var body = type switch
        {
            ItemType.Single or ItemType.Multiple or ItemType.TrueFalse => ChoiceBody(regions.Main, type.Value, report),
            ItemType.Match => MatchBody(regions.Main, report),
            _ => PlainBody(regions.Main, report, type),
        };

        if (body.Stem.Count == 0 || !Markdown.HasText(body.Stem) && !HasImage(body.Stem))
        {
            report.Error(body.Stem.Count > 0 ? body.Stem[0].Line + 1 : front.BodyLine, "the stem is empty: write the question after the front matter");
        }

        front.TryGet("type", out _, out var typeLine);
        var accepted = AcceptedAnswers(regions, report, type, typeLine);
        var guidance = regions.Sections.TryGetValue(GuidanceSection, out var guidanceBlocks) ? guidanceBlocks : null;
        if (type == ItemType.Extended && (guidance is null || guidance.Blocks.Count == 0))
        {
            report.Error(guidance?.Line ?? typeLine, "an extended item needs a '## Marking guidance' section saying what earns each mark");
        }

        if (type == ItemType.Match && marks is null && body.Pairs.Count > 0)
        {
            marks = body.Pairs.Count; // one mark per pair unless marks says otherwise
        }

        if (type == ItemType.Match && distractors.Any(distractor => body.Pairs.Any(pair => Same(pair.Answer, distractor))))
        {
            front.TryGet("distractors", out _, out var line);
            report.Error(line, "a distractor is also a correct answer of the table");
        }

        if (report.HasErrors || id is null || type is null || marks is null)
        {
            return new ParsedItem(report.Path, id, idLine, null, report);
        }

        var item = new Item(
            id,
            unit?.Code ?? "",
            report.Path,
            type.Value,
            statements,
            marks.Value,
            difficulty,
            shuffle,
            validUntil,
            scoring,
            minWords,
            maxWords,
            Markdown.RenderBlocks(body.Stem, implicitParagraph: false),
            body.Options,
            body.Pairs,
            distractors,
            accepted,
            guidance is null ? null : Markdown.RenderBlocks(guidance.Blocks, implicitParagraph: false),
            regions.Sections.TryGetValue(FeedbackSection, out var feedback) ? Markdown.RenderBlocks(feedback.Blocks, implicitParagraph: false) : null,
            source.ContentHash,
            source.Text);
        front.TryGet("distractors", out _, out var distractorsLine);
        var marksLine = front.TryGet("marks", out _, out var marksAt) ? marksAt : typeLine;
        var answersLine = regions.Sections.TryGetValue(AnswersSection, out var answersSection) ? answersSection.Line : typeLine;
        ItemWriting.Check(item, new ItemLines(typeLine, marksLine, body.OptionListLine, body.OptionLines, distractorsLine, answersLine), report);
        return new ParsedItem(report.Path, id, idLine, item with { Excludes = excludes }, report) { ExcludesLine = excludesLine == 0 ? idLine : excludesLine };
    }

    // --- front matter ---

    private static (string? Id, int Line) ReadId(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("id", out var node, out var line))
        {
            report.Error(1, "'id' is missing: every item needs an id unique across the bank, e.g. fe6v35-1.2-003");
            return (null, 1);
        }

        var id = YamlFrontMatter.Text(node);
        if (id is null || !IdPattern().IsMatch(id))
        {
            report.Error(line, $"id '{id}' is not valid: use lowercase letters, digits, '.', '-' and '_', starting with a letter or digit");
            return (id, line);
        }

        var fileName = System.IO.Path.GetFileNameWithoutExtension(report.Path);
        if (!string.Equals(fileName, id, StringComparison.Ordinal))
        {
            report.Warning(line, $"id '{id}' does not match the file name '{fileName}.md'");
        }

        return (id, line);
    }

    private static ItemType? ReadType(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("type", out var node, out var line))
        {
            report.Error(1, "'type' is missing: use single, multiple, truefalse, match, short or extended");
            return null;
        }

        var type = ParseType(YamlFrontMatter.Text(node));
        if (type is null)
        {
            report.Error(line, $"unknown type '{YamlFrontMatter.Text(node)}': use single, multiple, truefalse, match, short or extended");
        }

        return type;
    }

    internal static ItemType? ParseType(string? text) => text switch
    {
        "single" => ItemType.Single,
        "multiple" => ItemType.Multiple,
        "truefalse" => ItemType.TrueFalse,
        "match" => ItemType.Match,
        "short" => ItemType.Short,
        "extended" => ItemType.Extended,
        _ => null,
    };

    internal static string Name(ItemType type) => type.ToString().ToLowerInvariant();

    private static List<string> ReadStatements(YamlFrontMatter front, FileReport report, UnitContext? unit)
    {
        if (!front.TryGet("statements", out var node, out var line))
        {
            report.Error(1, "'statements' is missing: list the unit.md references the item assesses, e.g. statements: [\"1.2\"]");
            return [];
        }

        var list = YamlFrontMatter.List(node);
        if (list is null || list.Count == 0)
        {
            report.Error(line, "'statements' must list at least one statement reference, e.g. statements: [\"1.2\"]");
            return [];
        }

        foreach (var (reference, referenceLine) in list)
        {
            if (unit is not null && unit.Statement(reference) is null)
            {
                report.Error(referenceLine, $"statement '{reference}' is not in {unit.UnitFilePath} (unit {unit.Code})");
            }
        }

        if (list.Select(entry => entry.Value).Distinct(StringComparer.Ordinal).Count() != list.Count)
        {
            report.Warning(line, "'statements' lists a reference twice");
        }

        return list.Select(entry => entry.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    private static int? ReadMarks(YamlFrontMatter front, FileReport report, ItemType? type)
    {
        if (!front.TryGet("marks", out var node, out var line))
        {
            if (type != ItemType.Match)
            {
                report.Error(1, "'marks' is missing: give the item's marks as a positive whole number");
            }

            return null;
        }

        var marks = YamlFrontMatter.Integer(node);
        if (marks is null or <= 0)
        {
            report.Error(line, $"marks must be a positive whole number, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        return marks;
    }

    private static string? ReadDifficulty(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("difficulty", out var node, out var line))
        {
            return null;
        }

        var difficulty = YamlFrontMatter.Text(node);
        if (difficulty is not ("easy" or "medium" or "hard"))
        {
            report.Error(line, $"unknown difficulty '{difficulty}': use easy, medium or hard");
            return null;
        }

        return difficulty;
    }

    private static bool ReadShuffle(YamlFrontMatter front, FileReport report)
    {
        if (!front.TryGet("shuffle", out var node, out var line))
        {
            return true;
        }

        var shuffle = YamlFrontMatter.Boolean(node);
        if (shuffle is null)
        {
            report.Error(line, $"shuffle must be true or false, not '{YamlFrontMatter.Text(node)}'");
        }

        return shuffle ?? true;
    }

    private static DateOnly? ReadValidUntil(YamlFrontMatter front, FileReport report, DateOnly today)
    {
        if (!front.TryGet("valid_until", out var node, out var line))
        {
            return null;
        }

        if (!DateOnly.TryParseExact(YamlFrontMatter.Text(node), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            report.Error(line, $"valid_until must be a date written YYYY-MM-DD, not '{YamlFrontMatter.Text(node)}'");
            return null;
        }

        if (date < today)
        {
            report.Warning(line, $"valid_until {date:yyyy-MM-dd} has passed: the item is no longer drawn; revise or retire it");
        }

        return date;
    }

    private static Scoring ReadScoring(YamlFrontMatter front, FileReport report, ItemType? type)
    {
        if (!front.TryGet("scoring", out var node, out var line))
        {
            return Scoring.AllOrNothing;
        }

        if (type is not null and not ItemType.Multiple)
        {
            report.Error(line, "'scoring' applies only to multiple items");
        }

        switch (YamlFrontMatter.Text(node))
        {
            case "all-or-nothing":
                return Scoring.AllOrNothing;
            case "partial":
                return Scoring.Partial;
            default:
                report.Error(line, $"unknown scoring '{YamlFrontMatter.Text(node)}': use all-or-nothing or partial");
                return Scoring.AllOrNothing;
        }
    }

    private static (int? Min, int? Max) ReadWords(YamlFrontMatter front, FileReport report, ItemType? type)
    {
        if (!front.TryGet("words", out var node, out var line))
        {
            return (null, null);
        }

        if (type is not null and not ItemType.Extended)
        {
            report.Error(line, "'words' applies only to extended items");
        }

        var list = YamlFrontMatter.List(node);
        var numbers = list?.Select(entry => int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToList();
        if (numbers is not { Count: 2 } || numbers.Any(n => n is null))
        {
            report.Error(line, "words must be [min, max], two whole numbers");
            return (null, null);
        }

        var (min, max) = (numbers[0]!.Value, numbers[1]!.Value);
        if (min > max || max == 0)
        {
            report.Error(line, $"words [{min}, {max}]: the minimum must not exceed the maximum, and the maximum must be positive");
            return (null, null);
        }

        return (min, max);
    }

    private static List<string> ReadDistractors(YamlFrontMatter front, FileReport report, ItemType? type)
    {
        if (!front.TryGet("distractors", out var node, out var line))
        {
            return [];
        }

        if (type is not null and not ItemType.Match)
        {
            report.Error(line, "'distractors' applies only to match items");
        }

        var list = YamlFrontMatter.List(node);
        if (list is null)
        {
            report.Error(line, "distractors must be a list of texts, e.g. distractors: [\"A wrong answer\"]");
            return [];
        }

        return list.Select(entry => entry.Value).Where(value => value.Length > 0).ToList();
    }

    /// <summary>The items this one must never share a form with: one gives away the other's answer.</summary>
    private static (List<string> Excludes, int Line) ReadExcludes(YamlFrontMatter front, FileReport report, string? id)
    {
        if (!front.TryGet("excludes", out var node, out var line))
        {
            return ([], 0);
        }

        var list = YamlFrontMatter.List(node);
        if (list is null || list.Count == 0)
        {
            report.Error(line, "excludes must list the ids of items this one must never appear with, e.g. excludes: [fe6v35-1.1-006]");
            return ([], line);
        }

        var excludes = new List<string>();
        foreach (var (other, otherLine) in list)
        {
            if (!IdPattern().IsMatch(other))
            {
                report.Error(otherLine, $"excludes names '{other}', which is not an item id");
            }
            else if (string.Equals(other, id, StringComparison.Ordinal))
            {
                report.Error(otherLine, "an item cannot exclude itself");
            }
            else if (!excludes.Contains(other, StringComparer.Ordinal))
            {
                excludes.Add(other);
            }
        }

        return (excludes, line);
    }

    // --- body ---

    private sealed record Body(IReadOnlyList<Block> Stem, IReadOnlyList<Option> Options, IReadOnlyList<MatchPair> Pairs)
    {
        /// <summary>The line of each option, in order.</summary>
        public IReadOnlyList<int> OptionLines { get; init; } = [];

        public int OptionListLine { get; init; }
    }

    private static Body ChoiceBody(IReadOnlyList<Block> main, ItemType type, FileReport report)
    {
        var lists = main.Select((block, index) => (block, index)).Where(entry => entry.block is ListBlock list && IsTaskList(list)).ToList();
        var name = Name(type);
        if (lists.Count == 0)
        {
            report.Error(main.Count > 0 ? main[^1].Line + 1 : 1, $"a {name} item needs its options as a task list ('- [ ] wrong', '- [x] right')");
            return new Body(main, [], []);
        }

        if (lists.Count > 1)
        {
            report.Error(lists[1].block.Line + 1, "there is more than one task list: an item has one list of options");
        }

        var (optionList, at) = ((ListBlock)lists[0].block, lists[0].index);
        if (at + 1 < main.Count)
        {
            report.Error(main[at + 1].Line + 1, "there is text after the options: put it in the stem, or under '## Feedback'");
        }

        var options = new List<Option>();
        var optionLines = new List<int>();
        var texts = new List<string>();
        foreach (var entry in optionList.OfType<ListItemBlock>())
        {
            if (entry.FirstOrDefault() is not ParagraphBlock { Inline.FirstChild: TaskList task } paragraph)
            {
                report.Error(entry.Line + 1, "every option must start with '[ ]' or '[x]'");
                continue;
            }

            var correct = task.Checked;
            task.Remove();
            var text = Markdown.PlainText(paragraph.Inline);
            if (text.Length == 0 && !HasImage(entry))
            {
                report.Error(entry.Line + 1, "an option is empty");
            }

            texts.Add(text);
            var html = Markdown.RenderBlocks(entry, implicitParagraph: entry.Count == 1);
            options.Add(new Option(Keys.For(options.Count), html, correct));
            optionLines.Add(entry.Line + 1);
        }

        var ticked = options.Count(option => option.Correct);
        var line = optionList.Line + 1;
        switch (type)
        {
            case ItemType.Single when ticked != 1:
                report.Error(line, $"a single item needs exactly one correct option ([x]); {ticked} are ticked");
                break;
            case ItemType.Multiple when ticked == 0:
                report.Error(line, "a multiple item needs at least one correct option ([x]); none is ticked");
                break;
            case ItemType.TrueFalse when !IsTrueFalse(texts):
                report.Error(line, "a truefalse item has exactly two options, 'True' and 'False'");
                break;
            case ItemType.TrueFalse when ticked != 1:
                report.Error(line, $"a truefalse item needs exactly one of True and False ticked; {ticked} are ticked");
                break;
        }

        if (type != ItemType.TrueFalse && options.Count < 2)
        {
            report.Error(line, $"a {name} item needs at least two options");
        }

        if (type == ItemType.Multiple && ticked == options.Count && options.Count > 1)
        {
            report.Warning(line, "every option is ticked correct: candidates who tick everything score full marks");
        }

        var repeated = texts.GroupBy(text => Normalise(text)).FirstOrDefault(group => group.Key.Length > 0 && group.Count() > 1);
        if (repeated is not null)
        {
            report.Error(line, $"the option '{repeated.First()}' is given twice");
        }

        return new Body(main.Take(at).ToList(), options, []) { OptionLines = optionLines, OptionListLine = line };
    }

    private static bool IsTrueFalse(List<string> texts) =>
        texts.Count == 2 && texts.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(["False", "True"], StringComparer.OrdinalIgnoreCase);

    private static Body MatchBody(IReadOnlyList<Block> main, FileReport report)
    {
        RefuseTaskLists(main, report, ItemType.Match);
        var tables = main.Select((block, index) => (block, index)).Where(entry => entry.block is Table).ToList();
        if (tables.Count == 0)
        {
            report.Error(main.Count > 0 ? main[^1].Line + 1 : 1, "a match item needs a table with the header '| Prompt | Answer |' and one row per correct pair");
            return new Body(main, [], []);
        }

        var (table, at) = ((Table)tables[0].block, tables[0].index);
        if (tables.Count > 1)
        {
            report.Error(tables[1].block.Line + 1, "there is more than one table: a match item has one table of pairs");
        }

        if (at + 1 < main.Count)
        {
            report.Error(main[at + 1].Line + 1, "there is text after the table: put it in the stem, or under '## Feedback'");
        }

        var rows = table.OfType<TableRow>().ToList();
        var header = rows.FirstOrDefault(row => row.IsHeader);
        var headings = header?.OfType<TableCell>().Select(CellText).ToList() ?? [];
        if (headings.Count != 2 || !string.Equals(headings[0], "Prompt", StringComparison.OrdinalIgnoreCase) || !string.Equals(headings[1], "Answer", StringComparison.OrdinalIgnoreCase))
        {
            report.Error(table.Line + 1, "the match table must have exactly two columns with the header '| Prompt | Answer |'");
        }

        var pairs = new List<MatchPair>();
        foreach (var row in rows.Where(row => !row.IsHeader))
        {
            var cells = row.OfType<TableCell>().ToList();
            var prompt = cells.ElementAtOrDefault(0);
            var answer = cells.Count > 1 ? CellText(cells[1]) : "";
            if (cells.Count > 2)
            {
                report.Error(row.Line + 1, "a row has more than two cells");
            }

            if (prompt is null || CellText(prompt).Length == 0 && !HasImage(prompt) || answer.Length == 0)
            {
                report.Error(row.Line + 1, "a row needs both a prompt and an answer");
                continue;
            }

            pairs.Add(new MatchPair(Keys.For(pairs.Count), Markdown.RenderBlocks(prompt, implicitParagraph: true), answer));
        }

        if (pairs.Count < 2)
        {
            report.Error(table.Line + 1, $"a match item needs at least two rows (pairs); it has {pairs.Count}");
        }

        var repeatedPrompt = rows.Where(row => !row.IsHeader).Select(row => row.OfType<TableCell>().FirstOrDefault())
            .Where(cell => cell is not null).GroupBy(cell => Normalise(CellText(cell!))).FirstOrDefault(group => group.Key.Length > 0 && group.Count() > 1);
        if (repeatedPrompt is not null)
        {
            report.Error(repeatedPrompt.Skip(1).First()!.Line + 1, $"the prompt '{CellText(repeatedPrompt.First()!)}' is given twice");
        }

        return new Body(main.Take(at).ToList(), [], pairs);
    }

    private static Body PlainBody(IReadOnlyList<Block> main, FileReport report, ItemType? type)
    {
        if (type is { } known)
        {
            RefuseTaskLists(main, report, known);
        }

        return new Body(main, [], []);
    }

    private static void RefuseTaskLists(IReadOnlyList<Block> main, FileReport report, ItemType type)
    {
        var list = main.OfType<ListBlock>().FirstOrDefault(IsTaskList);
        if (list is not null)
        {
            report.Error(list.Line + 1, $"a {Name(type)} item has no options: task lists ('- [ ]') are for single, multiple and truefalse items");
        }
    }

    private static List<string> AcceptedAnswers(Regions regions, FileReport report, ItemType? type, int typeLine)
    {
        regions.Sections.TryGetValue(AnswersSection, out var section);
        if (type == ItemType.Short && section is null)
        {
            report.Error(typeLine, "a short item needs a '## Accepted answers' section with a list of the answers that earn the marks");
            return [];
        }

        if (section is null)
        {
            return [];
        }

        if (type is not null and not ItemType.Short)
        {
            report.Error(section.Line, "'## Accepted answers' applies only to short items");
        }

        var answers = section.Blocks.OfType<ListBlock>()
            .SelectMany(list => list.OfType<ListItemBlock>())
            .Select(entry => entry.FirstOrDefault() is ParagraphBlock paragraph ? Markdown.PlainText(paragraph.Inline) : "")
            .Where(answer => answer.Length > 0)
            .ToList();
        if (answers.Count == 0)
        {
            report.Error(section.Line, "'## Accepted answers' must list at least one answer ('- answer')");
        }

        if (answers.Select(Normalise).Distinct(StringComparer.Ordinal).Count() != answers.Count)
        {
            report.Warning(section.Line, "an accepted answer is listed twice (answers are compared ignoring case and spacing)");
        }

        return answers;
    }

    private static void CheckLinksAndHtml(MarkdownDocument document, string body, FileReport report, UnitContext? unit)
    {
        var lines = new LineMap(body);
        var warnedHtml = false;
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case HtmlBlock or HtmlInline when !warnedHtml:
                    warnedHtml = true;
                    report.Warning(lines.Of(node), "raw HTML is not trusted and is removed or sanitised when rendered; write Markdown instead");
                    break;
                case LinkInline { IsImage: true } image:
                    var source = image.Url ?? "";
                    if (!Markdown.IsRelativeImage(source))
                    {
                        report.Error(lines.Of(node), $"image '{Shorten(source)}' must be a relative path to a file in the bank");
                    }
                    else if (unit?.ImageExists is { } exists && !exists(report.Path, source))
                    {
                        report.Error(lines.Of(node), $"image '{Shorten(source)}' is not a file inside the bank");
                    }

                    break;
                case LinkInline { IsImage: false } link when !Markdown.IsAllowedLink(link.Url ?? ""):
                    report.Error(lines.Of(node), $"link '{Shorten(link.Url ?? "")}' is not allowed: use http, https, mailto or a relative address");
                    break;
                case AutolinkInline autolink when !Markdown.IsAllowedLink(autolink.Url):
                    report.Error(lines.Of(node), $"link '{Shorten(autolink.Url)}' is not allowed: use http, https, mailto or a relative address");
                    break;
            }
        }
    }

    private static int LineOf(MarkdownObject node) => node.Line + 1;

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static bool IsTaskList(ListBlock list) =>
        list.OfType<ListItemBlock>().Any(entry => entry.FirstOrDefault() is ParagraphBlock { Inline.FirstChild: TaskList });

    private static bool HasImage(IEnumerable<Block> blocks) =>
        blocks.Any(block => block.Descendants<LinkInline>().Any(link => link.IsImage));

    private static bool HasImage(ContainerBlock block) => HasImage((IEnumerable<Block>)block);

    private static string CellText(TableCell cell) =>
        string.Join(" ", cell.OfType<ParagraphBlock>().Select(paragraph => Markdown.PlainText(paragraph.Inline))).Trim();

    /// <summary>Answers compare after trimming, case folding and collapsing white space.</summary>
    internal static string Normalise(string text) => Whitespace().Replace(text.Trim(), " ").ToUpperInvariant();

    private static bool Same(string a, string b) => Normalise(a) == Normalise(b);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>Option and pair keys in source order: a … z, aa, ab, ….</summary>
internal static class Keys
{
    public static string For(int index) => index < 26 ? ((char)('a' + index)).ToString() : For(index / 26 - 1) + (char)('a' + index % 26);
}

/// <summary>A known section of an item body: its heading's line and its blocks.</summary>
internal sealed record RegionSection(int Line, IReadOnlyList<Block> Blocks);

/// <summary>The item body cut at its known level-2 sections (Feedback, Marking guidance, Accepted answers).</summary>
internal sealed record Regions(IReadOnlyList<Block> Main, IReadOnlyDictionary<string, RegionSection> Sections)
{

    private static readonly string[] Known = ["feedback", "marking guidance", "accepted answers"];

    public static Regions Split(MarkdownDocument document, FileReport report)
    {
        var main = new List<Block>();
        var sections = new Dictionary<string, RegionSection>(StringComparer.Ordinal);
        var current = main;
        foreach (var block in document)
        {
            if (block is HeadingBlock { Level: 2 } heading && SectionName(heading) is { } name)
            {
                current = [];
                if (!sections.TryAdd(name, new RegionSection(heading.Line + 1, current)))
                {
                    report.Error(heading.Line + 1, $"'## {Markdown.PlainText(heading.Inline)}' appears twice");
                }

                continue;
            }

            current.Add(block);
        }

        return new Regions(main, sections);
    }

    private static string? SectionName(HeadingBlock heading)
    {
        var name = Markdown.PlainText(heading.Inline).TrimEnd(':').Trim().ToLowerInvariant();
        return Known.Contains(name) ? name : null;
    }
}
