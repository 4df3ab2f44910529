using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssessmentEngine.Web.Tests.ItemBank;

public sealed class ImportItemBankTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private Task<ImportCounts> Import(BankFolder bank, string author = "Tutor One <tutor@example.org>") =>
        ImportItemBank.RunAsync(_store, ItemBankLoader.Load([bank.Root], bank.Root), retireMissing: true, ImportRights.Platform, _ => author, "importer", TimeProvider.System);

    private async Task<long> EventCount()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ae.mt_events where type like 'item_%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Importing_the_whole_real_bank_twice_writes_events_once_and_one_edit_gives_exactly_one_revision()
    {
        using var bank = BankFolder.CopyOfTheRealBank();
        var load = ItemBankLoader.Load([bank.Root], bank.Root);
        Assert.False(load.HasErrors, string.Join(Environment.NewLine, load.Diagnostics.Where(d => d.Severity == Severity.Error).Take(20)));
        var itemCount = load.Units.Sum(unit => unit.Items.Count);
        var before = await EventCount();

        var first = await Import(bank);
        var second = await Import(bank);

        Assert.Equal(new ImportCounts(itemCount, 0, 0, 0), first);
        Assert.Equal(new ImportCounts(0, 0, 0, itemCount), second);
        Assert.Equal(before + itemCount, await EventCount());

        var edited = Directory.EnumerateFiles(Path.Combine(bank.Root, "fe6v35", "items"), "*.md").Order(StringComparer.Ordinal).First();
        await File.WriteAllTextAsync(edited, (await File.ReadAllTextAsync(edited)).Replace("\n---\n", "\n---\nThis sentence was added by a tutor.\n\n", StringComparison.Ordinal));

        var third = await Import(bank);

        Assert.Equal(new ImportCounts(0, 1, 0, itemCount - 1), third);
        Assert.Equal(before + itemCount + 1, await EventCount());
        await using var query = _store.QuerySession();
        var revisedId = Path.GetFileNameWithoutExtension(edited);
        var current = await query.Query<BankItem>().SingleAsync(item => item.ItemId == revisedId);
        Assert.Equal(2, current.Revision);
        Assert.Contains("added by a tutor", current.Content.StemHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_file_retires_its_item_and_every_revision_stays_readable()
    {
        using var bank = BankFolder.SmallUnit("RETIRE 01");
        Assert.Equal(new ImportCounts(4, 0, 0, 0), await Import(bank, "First Author <first@example.org>"));
        var path = bank.WriteItem("retire01", "retire01-1.1-001", "1.1", "A reworded question?");
        Assert.Equal(new ImportCounts(0, 1, 0, 3), await Import(bank, "Second Author <second@example.org>"));

        File.Delete(path);
        Assert.Equal(new ImportCounts(0, 0, 1, 3), await Import(bank));
        Assert.Equal(new ImportCounts(0, 0, 0, 3), await Import(bank)); // retiring is not repeated

        await using var query = _store.QuerySession();
        var retired = await query.Query<BankItem>().SingleAsync(item => item.ItemId == "retire01-1.1-001");
        Assert.True(retired.Retired);
        var original = await query.LoadAsync<ItemRevision>(ItemRevision.KeyFor("retire01-1.1-001", 1));
        var reworded = await query.LoadAsync<ItemRevision>(ItemRevision.KeyFor("retire01-1.1-001", 2));
        Assert.Contains("Question 1 on statement 1.1", original!.Content.StemHtml, StringComparison.Ordinal);
        Assert.Equal("First Author <first@example.org>", original.Author);
        Assert.Contains("A reworded question", reworded!.Content.StemHtml, StringComparison.Ordinal);
        Assert.Equal("Second Author <second@example.org>", reworded.Author);
        var events = await query.Events.FetchStreamAsync(ItemStreams.IdFor("retire01-1.1-001"));
        Assert.Equal([typeof(ItemPublished), typeof(ItemRevised), typeof(ItemRetired)], events.Select(e => e.EventType));

        // Restoring the file brings the item back as a new revision.
        bank.WriteItem("retire01", "retire01-1.1-001", "1.1", "A reworded question?");
        Assert.Equal(new ImportCounts(0, 1, 0, 3), await Import(bank));
        var restored = await query.Query<BankItem>().SingleAsync(item => item.ItemId == "retire01-1.1-001");
        Assert.False(restored.Retired);
        Assert.Equal(3, restored.Revision);
    }

    [Fact]
    public async Task A_bank_with_lint_errors_is_refused_whole_and_nothing_is_written()
    {
        using var bank = BankFolder.SmallUnit("BROKEN 01");
        bank.Write("broken01/items/broken01-1.1-009.md", "---\nid: broken01-1.1-009\ntype: single\nstatements: [\"9.9\"]\nmarks: 1\n---\nNo such statement?\n\n- [x] Yes\n- [ ] No\n");
        var before = await EventCount();

        var refusal = await Assert.ThrowsAsync<RefusedException>(() => Import(bank));

        Assert.Contains("lint error", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, await EventCount());
    }

    [Fact]
    public async Task Units_and_their_blueprints_are_stored_with_the_import()
    {
        using var bank = BankFolder.SmallUnit("UNITDOC 01");
        await Import(bank);

        await using var query = _store.QuerySession();
        var unit = await query.LoadAsync<BankUnit>("UNITDOC 01");
        Assert.NotNull(unit);
        Assert.Equal(6, unit!.Policy.WindowWeeks);
        Assert.Equal(["1.1", "2.1"], unit.Outcomes.SelectMany(o => o.Statements).Select(s => s.Reference));
    }

    [Fact]
    public void Item_ids_reused_for_another_unit_are_refused_with_a_message_that_says_so()
    {
        var existing = new[] { TestItems.Bank("shared-1.1-001", "UNIT A") };
        var incoming = TestItems.Item("shared-1.1-001", "UNIT B", "changed");

        var refusal = Assert.Throws<RefusedException>(() =>
            ImportItemBank.Decide([incoming], existing, new HashSet<string>(), _ => "a", "b", DateTimeOffset.UnixEpoch));

        Assert.Contains("already belongs to unit UNIT A", refusal.Message, StringComparison.Ordinal);
    }
}

internal static class TestItems
{
    public static Item Item(string id, string unit, string hash) => new(
        id, unit, $"x/items/{id}.md", ItemType.Single, ["1.1"], 1, null, true, null, Scoring.AllOrNothing, null, null,
        "<p>stem</p>", [new Option("a", "yes", true), new Option("b", "no", false)], [], [], [], null, null, hash, "markdown");

    public static BankItem Bank(string id, string unit) =>
        new(ItemStreams.IdFor(id), id, unit, 1, false, Item(id, unit, "hash"), "author", DateTimeOffset.UnixEpoch, 1);
}
