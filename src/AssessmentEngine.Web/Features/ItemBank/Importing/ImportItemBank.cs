using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank.Importing;

public sealed record ImportCounts(int Published, int Revised, int Retired, int Unchanged)
{
    public override string ToString() => $"published {Published}, revised {Revised}, retired {Retired}, unchanged {Unchanged}";
}

/// <summary>An event to append to an item's stream, and the stream version it was decided against (0: a new stream).</summary>
public sealed record PlannedItemEvent(Guid StreamId, long DecidedAtVersion, object Event);

public sealed record ImportPlan(IReadOnlyList<PlannedItemEvent> Events, ImportCounts Counts);

/// <summary>
/// Brings the event store in line with the Markdown bank: new files publish, changed files revise, deleted files
/// retire (for the units being imported), unchanged files write nothing.
/// </summary>
public static class ImportItemBank
{
    public const string RetiredReason = "its file was removed from the item bank";

    public static ImportPlan Decide(
        IReadOnlyCollection<Item> items,
        IReadOnlyCollection<BankItem> existing,
        IReadOnlySet<string> unitsWhoseMissingItemsRetire,
        Func<Item, string> authorOf,
        string actor,
        DateTimeOffset now)
    {
        var known = existing.ToDictionary(item => item.ItemId, StringComparer.Ordinal);
        var events = new List<PlannedItemEvent>();
        int published = 0, revised = 0, retired = 0, unchanged = 0;

        foreach (var item in items.OrderBy(item => item.Id, StringComparer.Ordinal))
        {
            if (!known.TryGetValue(item.Id, out var current))
            {
                var stream = ItemStreams.IdFor(item.Id);
                events.Add(new PlannedItemEvent(stream, 0, new ItemPublished(stream, item.Id, item.UnitCode, item, authorOf(item), now)));
                published++;
            }
            else if (current.Retired || current.ContentHash != item.ContentHash)
            {
                if (current.UnitCode != item.UnitCode)
                {
                    throw new RefusedException(RefusalKind.Invalid,
                        $"{item.SourcePath}: item id {item.Id} already belongs to unit {current.UnitCode}; item ids are never reused — give this item a new id.");
                }

                events.Add(new PlannedItemEvent(current.Id, current.Version,
                    new ItemRevised(current.Id, item.Id, current.Revision + 1, item, authorOf(item), now)));
                revised++;
            }
            else
            {
                unchanged++;
            }
        }

        var present = items.Select(item => item.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Where(item => !item.Retired && !present.Contains(item.ItemId) && unitsWhoseMissingItemsRetire.Contains(item.UnitCode))
                     .OrderBy(item => item.ItemId, StringComparer.Ordinal))
        {
            events.Add(new PlannedItemEvent(gone.Id, gone.Version, new ItemRetired(gone.Id, gone.ItemId, RetiredReason, actor, now)));
            retired++;
        }

        return new ImportPlan(events, new ImportCounts(published, revised, retired, unchanged));
    }

    /// <summary>
    /// Imports a clean bank in one transaction. A bank with lint errors is refused whole. With
    /// <paramref name="retireMissing"/>, items of the loaded units that no longer have a file are retired. A unit that
    /// belongs to an owner <paramref name="rights"/> do not write is refused whole, before anything is written.
    /// </summary>
    public static async Task<ImportCounts> RunAsync(
        IDocumentStore store,
        BankLoad bank,
        bool retireMissing,
        ImportRights rights,
        Func<Item, string> authorOf,
        string actor,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        if (bank.HasErrors)
        {
            var errors = bank.Diagnostics.Count(d => d.Severity == Severity.Error);
            throw new RefusedException(RefusalKind.Invalid, $"the item bank has {errors} lint error(s); nothing was imported. Fix them (./ae itembank lint) and import again.");
        }

        var now = time.GetUtcNow();
        var unitCodes = bank.Units.Select(unit => unit.Code).ToHashSet(StringComparer.Ordinal);
        var items = bank.Units.SelectMany(unit => unit.Items).ToList();
        var itemIds = items.Select(item => item.Id).ToArray();

        await using var session = store.LightweightSession();
        var storedUnits = (await session.LoadManyAsync<BankUnit>(cancellationToken, unitCodes.ToArray())).ToDictionary(u => u.Id, StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var unit in bank.Units)
        {
            var owner = storedUnits.TryGetValue(unit.Code, out var stored) ? stored.OwnerId : rights.OwnerOfNew(unit);
            if (!rights.MayWrite(owner))
            {
                throw new RefusedException(RefusalKind.Invalid,
                    $"Unit {unit.Code} belongs to {BankOwners.Describe(owner)}; only its authors may publish, revise or retire its items. Nothing was imported.");
            }

            owners[unit.Code] = owner;
        }

        var existing = await session.Query<BankItem>()
            .Where(item => item.UnitCode.IsOneOf(unitCodes.ToArray()) || item.ItemId.IsOneOf(itemIds))
            .ToListAsync(cancellationToken);

        var plan = Decide(items, existing, retireMissing ? unitCodes : new HashSet<string>(), authorOf, actor, now);

        foreach (var planned in plan.Events)
        {
            if (planned.DecidedAtVersion == 0)
            {
                session.Start<BankItem>(planned.StreamId, planned.Event);
            }
            else
            {
                // Optimistic: the append fails if another import moved the stream on since it was read.
                session.AppendAt(planned.StreamId, planned.DecidedAtVersion, planned.Event);
            }
        }

        // Only a whole unit folder says what the unit is; a single uploaded item leaves the unit as it was.
        foreach (var unit in retireMissing ? bank.Units : [])
        {
            var incoming = BankUnit.From(unit, owners[unit.Code], now);
            if (!storedUnits.TryGetValue(unit.Code, out var stored) || !stored.SameDefinitionAs(incoming))
            {
                session.Store(incoming);
            }
        }

        await StoreQualificationsAsync(session, bank, rights, now, cancellationToken);

        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (StreamWrites.IsWriteConflict(exception))
        {
            throw new RefusedException(RefusalKind.Invalid, "another import changed the same items at the same time; nothing was imported by this one. Run it again.");
        }

        return plan.Counts;
    }

    /// <summary>
    /// The bank's qualifications, stored when new or changed. A qualification is its awarding body's: an import whose rights
    /// do not write that body's bank is refused whole, before anything is written.
    /// </summary>
    private static async Task StoreQualificationsAsync(IDocumentSession session, BankLoad bank, ImportRights rights, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (bank.Qualifications.Count == 0)
        {
            return;
        }

        var stored = (await session.LoadManyAsync<BankQualification>(cancellationToken, bank.Qualifications.Select(q => q.Code).ToArray())).ToDictionary(q => q.Id, StringComparer.Ordinal);
        foreach (var qualification in bank.Qualifications)
        {
            if (!rights.MayWrite(BankOwners.ForAwardingBody(qualification.AwardingBody)))
            {
                throw new RefusedException(RefusalKind.Invalid,
                    $"Qualification {qualification.Code} belongs to {qualification.AwardingBody}; only its authors may import it. Nothing was imported.");
            }

            var incoming = BankQualification.From(qualification, now);
            if (!stored.TryGetValue(qualification.Code, out var current) || !current.SameDefinitionAs(incoming))
            {
                session.Store(incoming);
            }
        }
    }
}
