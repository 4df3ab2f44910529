using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace AssessmentEngine.ItemBank.Tests;

/// <summary>No XSS payload survives rendering, wherever an author puts it: stem, option, match prompt, feedback, guidance.</summary>
public sealed partial class XssTests
{
    private static readonly string[] ForbiddenTags =
        ["<script", "<iframe", "<frame", "<svg", "<math", "<form", "<input", "<button", "<textarea", "<select", "<object", "<embed", "<style", "<link", "<meta", "<base", "<video", "<audio", "<body", "<details", "<marquee"];

    private static readonly HashSet<string> AllowedTags = new(
        ["p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
         "a", "img", "br", "hr", "del", "ins", "mark", "sup", "sub", "div"], StringComparer.OrdinalIgnoreCase);

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var location in new[] { "stem", "option", "prompt", "feedback", "guidance" })
        {
            for (var i = 0; i < XssPayloads.All.Length; i++)
            {
                data.Add(i, location);
            }
        }

        return data;
    }

    [Fact]
    public void The_corpus_holds_at_least_sixty_payloads()
    {
        Assert.True(XssPayloads.All.Length >= 60);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void No_payload_survives_rendering(int payload, string location)
    {
        var markdown = ItemWith(XssPayloads.All[payload], location);
        var load = TestBank.WithTestUnit().WithItem("x-1", markdown).Load();

        AssertSafe(Markdown.Render(XssPayloads.All[payload]));
        AssertSafe(Markdown.Render(markdown));
        var item = load.Units.SelectMany(unit => unit.Items).SingleOrDefault();
        if (item is null)
        {
            // Lint refused it (a javascript: link, an outside image, a broken table): it never reaches a candidate.
            Assert.Contains(load.Diagnostics, d => d.Path == "u/items/x-1.md" && d.Severity == Severity.Error);
            return;
        }

        AssertSafe(item.StemHtml);
        Assert.All(item.Options, option => AssertSafe(option.Html));
        Assert.All(item.Pairs, pair => AssertSafe(pair.PromptHtml));
        AssertSafe(item.FeedbackHtml ?? "");
        AssertSafe(item.MarkingGuidanceHtml ?? "");
        AssertSafe(ItemRenderer.CandidateHtml(item));
    }

    [Fact]
    public void Links_that_survive_get_rel_noopener_noreferrer_and_keep_safe_addresses()
    {
        var html = Markdown.Render("[gov](https://www.gov.uk/) [mail](mailto:a@b.example) [rel](../other.md)");

        Assert.Equal(
            "<p><a href=\"https://www.gov.uk/\" rel=\"noopener noreferrer\">gov</a> <a href=\"mailto:a@b.example\" rel=\"noopener noreferrer\">mail</a> <a href=\"../other.md\" rel=\"noopener noreferrer\">rel</a></p>",
            html);
    }

    [Fact]
    public void Relative_images_are_kept_and_can_be_based_on_the_bank_address()
    {
        Assert.Equal("<p><img src=\"images/chart.png\" alt=\"chart\"></p>", Markdown.Render("![chart](images/chart.png)"));
        Assert.Equal("<p><img src=\"/bank/fe6v35/items/images/chart.png\" alt=\"chart\"></p>", Markdown.Render("![chart](images/chart.png)", "/bank/fe6v35/items/"));
    }

    [Fact]
    public void Formatting_and_tables_survive_sanitising()
    {
        var html = Markdown.Render("# T\n\n*a* **b** ~~c~~ H~2~O x^2^ `d`\n\n> q\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n---\n\n1. one\n2. two");

        foreach (var tag in new[] { "<h1>", "<em>", "<strong>", "<del>", "<sub>", "<sup>", "<code>", "<blockquote>", "<table>", "<thead>", "<tbody>", "<td>", "<hr>", "<ol>" })
        {
            Assert.Contains(tag, html, StringComparison.Ordinal);
        }
    }

    internal static void AssertSafe(string html)
    {
        var lower = html.ToLowerInvariant();
        foreach (var tag in ForbiddenTags)
        {
            Assert.False(lower.Contains(tag, StringComparison.Ordinal), $"{tag} survived in: {html}");
        }

        // The sanitizer always double-quotes attribute values; blank them so text inside a value (alt="x onerror=…") is not mistaken for an attribute.
        var tagsOnly = QuotedValue().Replace(html, "\"\"");
        Assert.False(StyleInTag().IsMatch(tagsOnly), $"a style attribute survived in: {html}");
        Assert.False(EventHandlerInTag().IsMatch(tagsOnly), $"an on*= attribute survived in: {html}");

        var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.True(AllowedTags.Contains(element.LocalName), $"<{element.LocalName}> survived in: {html}");
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{attribute.Name} survived in: {html}");
                Assert.NotEqual("style", attribute.Name, StringComparer.OrdinalIgnoreCase);
                var value = string.Concat(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c))).ToLowerInvariant();
                Assert.False(value.Contains("javascript:", StringComparison.Ordinal) || value.Contains("vbscript:", StringComparison.Ordinal), $"{attribute.Name}={attribute.Value} survived in: {html}");
                if (attribute.Name is "href" or "src")
                {
                    Assert.False(value.StartsWith("data:", StringComparison.Ordinal) || value.StartsWith("//", StringComparison.Ordinal), $"{attribute.Name}={attribute.Value} survived in: {html}");
                }
            }
        }
    }

    private static string ItemWith(string payload, string location)
    {
        var inline = payload.Replace('\n', ' ');
        return location switch
        {
            "stem" => $"---\nid: x-1\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\n{payload}\n\nWhich?\n\n- [ ] A\n- [x] B\n",
            "option" => $"---\nid: x-1\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\nWhich?\n\n- [ ] {inline}\n- [x] B\n",
            "prompt" => $"---\nid: x-1\ntype: match\nstatements: [\"1.1\"]\n---\nMatch.\n\n| Prompt | Answer |\n| --- | --- |\n| {inline} | One |\n| Safe | Two |\n",
            "feedback" => $"---\nid: x-1\ntype: single\nstatements: [\"1.1\"]\nmarks: 1\n---\nWhich?\n\n- [ ] A\n- [x] B\n\n## Feedback\n\n{payload}\n",
            _ => $"---\nid: x-1\ntype: extended\nstatements: [\"1.1\"]\nmarks: 2\n---\nExplain.\n\n## Marking guidance\n\n{payload}\n",
        };
    }

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedValue();

    [GeneratedRegex(@"<[a-z][^>]*\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleInTag();

    [GeneratedRegex(@"<[a-z][^>]*[\s/]on[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerInTag();
}
