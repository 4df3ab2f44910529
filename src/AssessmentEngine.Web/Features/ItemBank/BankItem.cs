using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>An item's current revision: what the sampler draws from and what tutors see.</summary>
public sealed record BankItem(Guid Id, string ItemId, string UnitCode, int Revision, bool Retired, Item Content, string Author, DateTimeOffset UpdatedAt, long Version)
{
    public string ContentHash => Content.ContentHash;

    public static BankItem Create(ItemPublished published) =>
        new(published.ItemStreamId, published.ItemId, published.UnitCode, 1, false, published.Content, published.Author, published.PublishedAt, 1);

    public BankItem Apply(ItemRevised revised) =>
        this with { Revision = revised.Revision, Retired = false, Content = revised.Content, Author = revised.Author, UpdatedAt = revised.RevisedAt, Version = Version + 1 };

    public BankItem Apply(ItemRetired retired) => this with { Retired = true, Author = retired.Author, UpdatedAt = retired.RetiredAt, Version = Version + 1 };
}

public sealed class BankItemProjection : SingleStreamProjection<BankItem, Guid>
{
    public static BankItem Create(ItemPublished published) => BankItem.Create(published);

    public static BankItem Apply(ItemRevised revised, BankItem item) => item.Apply(revised);

    public static BankItem Apply(ItemRetired retired, BankItem item) => item.Apply(retired);
}

/// <summary>Item ids are the authors' ("fe6v35-1.2-003"); stream ids are derived from them, so every node agrees without a lookup.</summary>
public static class ItemStreams
{
    public static Guid IdFor(string itemId) => NameBasedId.For("assessment-engine/item/" + itemId);
}
