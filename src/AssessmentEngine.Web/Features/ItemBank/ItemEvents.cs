using AssessmentEngine.ItemBank;

namespace AssessmentEngine.Web.Features.ItemBank;

// One stream per item. Each event carries the whole parsed revision, so that an attempt that pinned
// (item, revision) can always be re-read exactly as it was delivered.

public sealed record ItemPublished(Guid ItemStreamId, string ItemId, string UnitCode, Item Content, string Author, DateTimeOffset PublishedAt);

public sealed record ItemRevised(Guid ItemStreamId, string ItemId, int Revision, Item Content, string Author, DateTimeOffset RevisedAt);

public sealed record ItemRetired(Guid ItemStreamId, string ItemId, string Reason, string Author, DateTimeOffset RetiredAt);
