using System.Text;
using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AssessmentEngine.ItemBank;

/// <summary>
/// The one Markdig pipeline and the one HtmlSanitizer the engine uses: every piece of author Markdown becomes HTML
/// here, and nothing leaves without passing the sanitizer's allow-list of what Markdown itself produces.
/// </summary>
public static class Markdown
{
    /// <summary>CommonMark with pipe tables, task lists and emphasis extras (strike-through, sub/superscript).</summary>
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .Build();

    private static readonly string[] AllowedTags =
    [
        "p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "img", "br", "hr", "del", "ins", "mark", "sup", "sub",
    ];

    private static readonly string[] AllowedAttributes = ["href", "src", "alt", "title", "start"];

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    // Renderers are not thread-safe and are costly to build; one per thread is reused.
    [ThreadStatic]
    private static (HtmlRenderer Renderer, StringWriter Writer)? _renderer;

    /// <summary>
    /// Renders Markdown to sanitised HTML. Relative image paths are prefixed with <paramref name="imageBase"/> when
    /// given (for example "/itembank/fe6v35/items/"); images with any other kind of address are dropped.
    /// </summary>
    public static string Render(string markdown, string? imageBase = null)
    {
        MarkdownDocument document;
        try
        {
            document = Markdig.Markdown.Parse(markdown ?? "", Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses pathologically nested input; show it as plain text rather than fail.
            return "<p>" + System.Net.WebUtility.HtmlEncode(markdown) + "</p>";
        }

        return RenderBlocks(document, implicitParagraph: false, imageBase);
    }

    /// <summary>Parses with the shared pipeline; null (reported) when Markdig refuses the input as too deeply nested.</summary>
    internal static MarkdownDocument? Parse(string markdown, FileReport report, int line)
    {
        try
        {
            return Markdig.Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig's own guard against pathological nesting (thousands of '>' or nested lists).
            report.Error(line, "the Markdown is nested too deeply (quotes, lists or brackets inside one another)");
            return null;
        }
    }

    /// <summary>Raw HTML beyond this many characters in one file is refused: sanitising deeply nested markup is slow, and no item needs it.</summary>
    internal const int MaxRawHtmlChars = 20_000;

    /// <summary>Reports (and returns true) when a document holds more raw HTML than <see cref="MaxRawHtmlChars"/>.</summary>
    internal static bool HasTooMuchRawHtml(MarkdownDocument document, FileReport report)
    {
        var total = 0;
        foreach (var node in document.Descendants())
        {
            total += node switch
            {
                HtmlBlock block => block.Span.Length,
                HtmlInline inline => inline.Tag?.Length ?? 0,
                _ => 0,
            };
            if (total > MaxRawHtmlChars)
            {
                report.Error(node.Line + 1, $"more than {MaxRawHtmlChars:N0} characters of raw HTML; write Markdown instead");
                return true;
            }
        }

        return false;
    }

    /// <summary>Sanitises HTML with the shared allow-list (links get rel="noopener noreferrer").</summary>
    public static string Sanitize(string html, string? imageBase = null) =>
        imageBase is null ? Sanitizer.Sanitize(html) : SanitizeWithImageBase(html, imageBase);

    internal static string RenderBlocks(IEnumerable<Block> blocks, bool implicitParagraph, string? imageBase = null)
    {
        var (renderer, writer) = _renderer ??= NewRenderer();
        writer.GetStringBuilder().Clear();
        renderer.ImplicitParagraph = implicitParagraph;
        foreach (var block in blocks)
        {
            renderer.Render(block);
        }

        renderer.Writer.Flush();
        var html = writer.ToString().Trim();
        writer.GetStringBuilder().Clear();
        return html.Length == 0 ? "" : Sanitize(html, imageBase).Trim();
    }

    /// <summary>The visible text of inline Markdown (emphasis and code kept as their text).</summary>
    internal static string PlainText(Inline? inline)
    {
        var text = new StringBuilder();
        Append(inline, text);
        return text.ToString().Trim();

        static void Append(Inline? node, StringBuilder text)
        {
            for (var current = node; current is not null; current = current.NextSibling)
            {
                switch (current)
                {
                    case LiteralInline literal:
                        text.Append(literal.Content.AsSpan());
                        break;
                    case CodeInline code:
                        text.Append(code.Content);
                        break;
                    case LineBreakInline:
                        text.Append(' ');
                        break;
                    case HtmlEntityInline entity:
                        text.Append(entity.Transcoded.AsSpan());
                        break;
                    case ContainerInline container:
                        Append(container.FirstChild, text);
                        break;
                }
            }
        }
    }

    /// <summary>Whether any of the blocks shows text (white space and empty containers do not count).</summary>
    internal static bool HasText(IEnumerable<Block> blocks) => blocks.Any(block => block switch
    {
        LeafBlock { Inline: { } inline } => PlainText(inline).Length > 0,
        LeafBlock leaf => leaf is not ThematicBreakBlock && leaf.Lines.ToString().Trim().Length > 0,
        ContainerBlock container => HasText(container),
        _ => false,
    });

    /// <summary>Whether a link address is one an author may use: http, https, mailto, or relative (not protocol-relative).</summary>
    internal static bool IsAllowedLink(string url)
    {
        var compact = Compact(url);
        if (compact.StartsWith("//", StringComparison.Ordinal) || compact.StartsWith(@"\\", StringComparison.Ordinal) || compact.StartsWith("/\\", StringComparison.Ordinal) || compact.StartsWith("\\/", StringComparison.Ordinal))
        {
            return false;
        }

        var scheme = SchemeOf(compact);
        return scheme is null or "http" or "https" or "mailto";
    }

    /// <summary>Whether an image address is relative (inside the bank): no scheme, not rooted, not protocol-relative.</summary>
    internal static bool IsRelativeImage(string url)
    {
        var compact = Compact(url);
        return compact.Length > 0 && SchemeOf(compact) is null && compact[0] is not ('/' or '\\');
    }

    private static string? SchemeOf(string compact)
    {
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var candidate = compact[..colon];
        // A colon after a path separator, '?' or '#' is part of a relative path, not a scheme.
        return candidate.IndexOfAny(['/', '?', '#', '\\']) >= 0 ? null : candidate.ToLowerInvariant();
    }

    // Browsers ignore control characters and white space inside a scheme ("java\tscript:"), so compare without them.
    private static string Compact(string url) => string.Concat(url.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)));

    private static (HtmlRenderer, StringWriter) NewRenderer()
    {
        var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        return (renderer, writer);
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
            AllowedClasses = new HashSet<string>(),
            AllowDataAttributes = false,
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = false };
        sanitizer.FilterUrl += (_, e) =>
        {
            var isImage = string.Equals(e.Tag.NodeName, "IMG", StringComparison.OrdinalIgnoreCase);
            if (isImage ? !IsRelativeImage(e.OriginalUrl) : !IsAllowedLink(e.OriginalUrl))
            {
                e.SanitizedUrl = null;
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { NodeName: "A" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer");
            }
        };
        return sanitizer;
    }

    private static string SanitizeWithImageBase(string html, string imageBase)
    {
        var sanitized = Sanitizer.Sanitize(html);
        if (!sanitized.Contains("<img", StringComparison.Ordinal))
        {
            return sanitized;
        }

        // Rewrite the (already vetted, relative) image sources through a DOM, never with string surgery.
        var parser = new AngleSharp.Html.Parser.HtmlParser();
        var document = parser.ParseDocument("<body></body>");
        var body = document.Body!;
        body.InnerHtml = sanitized;
        foreach (var image in body.QuerySelectorAll("img[src]"))
        {
            image.SetAttribute("src", imageBase.TrimEnd('/') + "/" + image.GetAttribute("src"));
        }

        return body.InnerHtml;
    }
}

/// <summary>
/// The 1-based line of a Markdown node, found from its position in the text. Markdig's own line numbers are wrong for
/// the inlines of a setext heading (they count on from the underline), so they can point past the end of the file.
/// </summary>
internal sealed class LineMap
{
    private readonly List<int> _starts = [0];

    public LineMap(string text)
    {
        for (var at = text.IndexOf('\n', StringComparison.Ordinal); at >= 0; at = text.IndexOf('\n', at + 1))
        {
            _starts.Add(at + 1);
        }
    }

    public int Of(MarkdownObject node)
    {
        if (node.Span.Start < 0)
        {
            return Math.Clamp(node.Line + 1, 1, _starts.Count);
        }

        var index = _starts.BinarySearch(node.Span.Start);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}
