using AssessmentEngine.ItemBank;
using Marten.Events.Projections;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>Every revision ever published, kept forever: attempts pin "item@revision".</summary>
public sealed record ItemRevision(string Id, string ItemId, int Revision, Item Content, string Author, DateTimeOffset PublishedAt)
{
    public static string KeyFor(string itemId, int revision) => $"{itemId}@{revision}";
}

public sealed partial class ItemRevisionProjection : EventProjection
{
    public static ItemRevision Create(ItemPublished published) =>
        new(ItemRevision.KeyFor(published.ItemId, 1), published.ItemId, 1, published.Content, published.Author, published.PublishedAt);

    public static ItemRevision Create(ItemRevised revised) =>
        new(ItemRevision.KeyFor(revised.ItemId, revised.Revision), revised.ItemId, revised.Revision, revised.Content, revised.Author, revised.RevisedAt);
}
