using Markdig.Syntax;

namespace AssessmentEngine.ItemBank.Invigilation;

internal sealed record Instructions(string CandidatesHtml, string ReadAloudHtml);

/// <summary>Parses and lints instructions.md: a '# For candidates' and a '# To read aloud' section, nothing else at level 1.</summary>
internal static class InstructionsParser
{
    public const string ForCandidates = "For candidates";
    public const string ToReadAloud = "To read aloud";

    public static Instructions? Parse(SourceText source, FileReport report)
    {
        var text = source.Text;
        var document = Markdown.Parse(text, report, 1);
        if (document is null || Markdown.HasTooMuchRawHtml(document, report))
        {
            return null;
        }

        var lines = new SourceLines(text);
        var blocks = document.ToList();
        var headings = blocks.Select((block, index) => (Block: block as HeadingBlock, Index: index))
            .Where(entry => entry.Block is { Level: 1 }).ToList();

        var before = headings.Count == 0 ? blocks : blocks.Take(headings[0].Index);
        if (Markdown.HasText(before))
        {
            report.Warning(lines.IndexAt(before.First().Span.Start) + 1, $"text before the first heading is shown nowhere: put it under '# {ForCandidates}' or '# {ToReadAloud}'");
        }

        var sections = new Dictionary<string, (int Line, string Html)>(StringComparer.Ordinal);
        for (var i = 0; i < headings.Count; i++)
        {
            var heading = headings[i].Block!;
            var line = lines.IndexAt(heading.Span.Start) + 1;
            var title = Markdown.PlainText(heading.Inline);
            var name = new[] { ForCandidates, ToReadAloud }.FirstOrDefault(known => string.Equals(known, title, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                report.Error(line, $"unknown heading '# {title}': instructions.md has two sections, '# {ForCandidates}' and '# {ToReadAloud}' (use '##' for headings inside them)");
                continue;
            }

            if (sections.TryGetValue(name, out var first))
            {
                report.Error(line, $"'# {name}' is given twice (first on line {first.Line})");
                continue;
            }

            // The section's own lines, from the line after its heading (a setext heading takes two) to the next heading.
            var end = i + 1 < headings.Count ? headings[i + 1].Index : blocks.Count;
            var from = lines.IndexAt(heading.Span.End) + 1;
            var to = end < blocks.Count ? lines.IndexAt(blocks[end].Span.Start) : lines.Count;
            var html = Markdown.Render(lines.Slice(from, to));

            // A section of nothing but HTML comments or markup the sanitiser drops shows candidates nothing either.
            var content = blocks.Skip(headings[i].Index + 1).Take(end - headings[i].Index - 1);
            if (!Markdown.HasText(content) || html.Length == 0)
            {
                report.Error(line, $"'# {name}' is empty: write what {(name == ForCandidates ? "candidates read before they start" : "the invigilator reads to the room")} under it");
            }

            sections[name] = (line, html);
        }

        foreach (var name in new[] { ForCandidates, ToReadAloud }.Where(name => !sections.ContainsKey(name)))
        {
            report.Error(1, $"instructions.md has no '# {name}' section: add the heading '# {name}' and the text under it");
        }

        return sections.TryGetValue(ForCandidates, out var candidates) && sections.TryGetValue(ToReadAloud, out var readAloud)
            ? new Instructions(candidates.Html, readAloud.Html)
            : null;
    }
}
