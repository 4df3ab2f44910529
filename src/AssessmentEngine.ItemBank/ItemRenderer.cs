using System.Net;
using System.Text;

namespace AssessmentEngine.ItemBank;

/// <summary>Renders what a candidate receives for an item: never the key, accepted answers, feedback or marking guidance.</summary>
public static class ItemRenderer
{
    /// <summary>
    /// The stem and the labels of the item's controls, as sanitised HTML. Options are in source order with their
    /// source keys (the sampler shuffles and replaces them with opaque per-attempt ids); match answers are listed in
    /// alphabetical order, so their order says nothing about the pairing.
    /// </summary>
    public static string CandidateHtml(Item item)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"item\" data-type=\"").Append(ItemParser.Name(item.Type)).Append("\">\n");
        html.Append("<div class=\"stem\">").Append(item.StemHtml).Append("</div>\n");
        html.Append("<p class=\"marks\">").Append(item.Marks).Append(item.Marks == 1 ? " mark" : " marks").Append("</p>\n");
        switch (item.Type)
        {
            case ItemType.Single or ItemType.TrueFalse:
                Options(html, item, "Choose one answer.");
                break;
            case ItemType.Multiple:
                Options(html, item, "Choose all the answers that apply.");
                break;
            case ItemType.Match:
                Match(html, item);
                break;
            case ItemType.Short:
                html.Append("<p class=\"response\">Type your answer.</p>\n");
                break;
            case ItemType.Extended:
                html.Append("<p class=\"response\">Write your answer").Append(WordLimits(item)).Append(".</p>\n");
                break;
        }

        return html.Append("</div>").ToString();
    }

    private static void Options(StringBuilder html, Item item, string instruction)
    {
        html.Append("<p class=\"instruction\">").Append(instruction).Append("</p>\n<ol class=\"options\">\n");
        foreach (var option in item.Options)
        {
            html.Append("<li data-option=\"").Append(option.Key).Append("\">").Append(option.Html).Append("</li>\n");
        }

        html.Append("</ol>\n");
    }

    private static void Match(StringBuilder html, Item item)
    {
        html.Append("<p class=\"instruction\">Choose the answer that matches each prompt.</p>\n<ol class=\"prompts\">\n");
        foreach (var pair in item.Pairs)
        {
            html.Append("<li data-prompt=\"").Append(pair.Key).Append("\">").Append(pair.PromptHtml).Append("</li>\n");
        }

        html.Append("</ol>\n<ul class=\"choices\">\n");
        var choices = item.Pairs.Select(pair => pair.Answer).Concat(item.Distractors)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ThenBy(choice => choice, StringComparer.Ordinal);
        foreach (var choice in choices)
        {
            html.Append("<li>").Append(WebUtility.HtmlEncode(choice)).Append("</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static string WordLimits(Item item) => (item.MinWords, item.MaxWords) switch
    {
        ({ } min, { } max) when min > 0 => $" in {min} to {max} words",
        (_, { } max) => $" in at most {max} words",
        _ => "",
    };
}
