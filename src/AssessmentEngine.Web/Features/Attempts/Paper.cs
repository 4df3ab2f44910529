using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>A choice as the candidate sees it: an id that means nothing outside this attempt, and its sanitised HTML.</summary>
public sealed record PaperChoice(string Id, string Html);

/// <summary>A response in the ids the candidate's page uses.</summary>
public sealed record PaperResponse(string? Choice = null, IReadOnlyList<string>? Choices = null, IReadOnlyDictionary<string, string>? Matches = null, string? Text = null);

/// <summary>One question as sent to the candidate: never the key, accepted answers, marking guidance or feedback.</summary>
public sealed record PaperItem(
    int Number, string Type, int Marks, string StemHtml, IReadOnlyList<PaperChoice> Options, IReadOnlyList<PaperChoice> Prompts,
    IReadOnlyList<PaperChoice> Answers, int? MinWords, int? MaxWords);

/// <summary>
/// The candidate's view of their form and the way back: option, prompt and answer ids are keyed hashes with the
/// attempt's own salt, so the same option has a different id for every candidate and a key cannot be passed on.
/// </summary>
public sealed class Paper
{
    private readonly Attempt _attempt;
    private readonly IReadOnlyDictionary<string, Item> _items;

    public Paper(Attempt attempt, IReadOnlyDictionary<string, Item> items)
    {
        _attempt = attempt;
        _items = items;
        Items = attempt.Form!.Items.Select((formItem, index) => View(index + 1, formItem)).ToList();
    }

    public IReadOnlyList<PaperItem> Items { get; }

    public string ItemIdAt(int number) => number >= 1 && number <= _attempt.Form!.Items.Count
        ? _attempt.Form.Items[number - 1].ItemId
        : throw new RefusedException(RefusalKind.Invalid, $"There is no question {number} on your test.");

    public int NumberOf(string itemId) => _attempt.Form!.Items.ToList().FindIndex(i => i.ItemId == itemId) + 1;

    private string Id(string itemId, string kind, string key)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_attempt.OptionSalt!), Encoding.UTF8.GetBytes($"{itemId}\n{kind}\n{key}"));
        return "o" + Convert.ToHexString(mac)[..12].ToLowerInvariant();
    }

    private PaperItem View(int number, FormItem formItem)
    {
        var item = _items[formItem.ItemId];
        var options = item.Type == ItemType.Match
            ? []
            : formItem.OptionOrder.Select(key => new PaperChoice(Id(item.Id, "option", key), item.Options.First(o => o.Key == key).Html)).ToList();
        var prompts = item.Type == ItemType.Match
            ? formItem.OptionOrder.Select(key => new PaperChoice(Id(item.Id, "prompt", key), item.Pairs.First(p => p.Key == key).PromptHtml)).ToList()
            : [];
        var answers = item.Type == ItemType.Match
            ? formItem.AnswerOrder.Select(text => new PaperChoice(Id(item.Id, "answer", text), WebUtility.HtmlEncode(text))).ToList()
            : [];
        return new PaperItem(number, item.Type.ToString().ToLowerInvariant(), item.Marks, item.StemHtml, options, prompts, answers, item.MinWords, item.MaxWords);
    }

    /// <summary>The page's response in the item's own keys; an id that is not one of this question's is bad input.</summary>
    public Response Translate(int number, PaperResponse response)
    {
        var itemId = ItemIdAt(number);
        var item = _items[itemId];
        var formItem = _attempt.Form!.Items[number - 1];
        string Key(string kind, IEnumerable<string> keys, string id) =>
            keys.FirstOrDefault(key => Id(itemId, kind, key) == id)
            ?? throw new RefusedException(RefusalKind.Invalid, $"That is not one of the choices of question {number}.");

        var fits = item.Type switch
        {
            ItemType.Single or ItemType.TrueFalse => response is { Choices: null, Matches: null, Text: null },
            ItemType.Multiple => response is { Choice: null, Matches: null, Text: null },
            ItemType.Match => response is { Choice: null, Choices: null, Text: null },
            _ => response is { Choice: null, Choices: null, Matches: null },
        };
        if (!fits)
        {
            throw new RefusedException(RefusalKind.Invalid, $"That kind of answer does not fit question {number} (a {item.Type.ToString().ToLowerInvariant()} question).");
        }

        if (response.Text is { Length: > MaxTextLength })
        {
            throw new RefusedException(RefusalKind.Invalid, $"The answer to question {number} is longer than {MaxTextLength:N0} characters.");
        }

        return item.Type switch
        {
            ItemType.Single or ItemType.TrueFalse => new Response(Choice: response.Choice is { } c ? Key("option", formItem.OptionOrder, c) : null),
            ItemType.Multiple => new Response(Choices: (response.Choices ?? []).Distinct().Select(c => Key("option", formItem.OptionOrder, c)).ToList()),
            ItemType.Match => new Response(Matches: (response.Matches ?? new Dictionary<string, string>())
                .Where(m => !string.IsNullOrEmpty(m.Value))
                .ToDictionary(m => Key("prompt", formItem.OptionOrder, m.Key), m => Key("answer", formItem.AnswerOrder, m.Value))),
            _ => new Response(Text: response.Text ?? ""),
        };
    }

    /// <summary>A stored response in the page's ids, to restore the page.</summary>
    public PaperResponse Show(string itemId, Response response) => _items[itemId].Type switch
    {
        ItemType.Single or ItemType.TrueFalse => new PaperResponse(Choice: response.Choice is { } c ? Id(itemId, "option", c) : null),
        ItemType.Multiple => new PaperResponse(Choices: (response.Choices ?? []).Select(c => Id(itemId, "option", c)).ToList()),
        ItemType.Match => new PaperResponse(Matches: (response.Matches ?? new Dictionary<string, string>())
            .ToDictionary(m => Id(itemId, "prompt", m.Key), m => Id(itemId, "answer", m.Value))),
        _ => new PaperResponse(Text: response.Text),
    };

    public const int MaxTextLength = 50_000;
}

/// <summary>
/// The exact item revisions a form pinned, by item id. A revision never changes once published, so revisions are kept
/// in memory once read: every save of every candidate needs them, and the database is asked once per revision.
/// </summary>
public static class PinnedItems
{
    private static readonly ConcurrentDictionary<(string ItemId, string Hash), Item> Known = new();

    public static async Task<IReadOnlyDictionary<string, Item>> LoadAsync(IQuerySession session, Form form, CancellationToken cancellationToken)
    {
        var missing = form.Items.Where(i => !Known.ContainsKey((i.ItemId, i.ContentHash))).Select(i => i.ItemId).ToArray();
        if (missing.Length > 0)
        {
            foreach (var revision in await session.Query<ItemRevision>().Where(r => r.ItemId.IsOneOf(missing)).ToListAsync(cancellationToken))
            {
                Known.TryAdd((revision.ItemId, revision.Content.ContentHash), revision.Content);
            }
        }

        var pinned = new Dictionary<string, Item>(StringComparer.Ordinal);
        foreach (var formItem in form.Items)
        {
            pinned[formItem.ItemId] = Known.TryGetValue((formItem.ItemId, formItem.ContentHash), out var item)
                ? item
                : throw new InvalidOperationException($"The revision of item {formItem.ItemId} that the form pinned ({formItem.ContentHash}) is missing.");
        }

        return pinned;
    }
}
