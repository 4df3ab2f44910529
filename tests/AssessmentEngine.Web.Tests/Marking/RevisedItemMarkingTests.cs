using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Marking;

/// <summary>
/// An item revised in the bank while a candidate is sitting it: the candidate keeps the question they were given, and
/// it is marked against that revision's key and marks, not the new one's.
/// </summary>
public sealed class RevisedItemMarkingTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
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

    [Fact]
    public async Task An_item_revised_during_an_attempt_is_shown_and_marked_as_the_attempt_was_given_it()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "REV");
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, sitting.Candidates[0]);
        Dictionary<string, Item> given;
        await using (var query = _store.QuerySession())
        {
            given = new(await PinnedItems.LoadAsync(query, attempt.Form!, CancellationToken.None), StringComparer.Ordinal);
        }

        var original = attempt.Form!.Items.Select(f => given[f.ItemId]).First(i => i.Type == ItemType.Single);
        var rightThen = original.Options.Single(o => o.Correct).Key;

        // The candidate answers the question as given: right by its key.
        using (var scope = _engine.Services.CreateScope())
        {
            var answering = scope.ServiceProvider.GetRequiredService<Answering>();
            await answering.OpenAsync(attempt, "page-1", "candidate", "Test", CancellationToken.None);
            var paper = new Paper(attempt, given);
            var number = paper.NumberOf(original.Id);
            var saved = await answering.SaveAsync(attempt.Id, attempt.CandidateId,
                new SaveRequest("page-1", [new PageChange(1, number, paper.Show(original.Id, new Response(Choice: rightThen)), null)]), CancellationToken.None);
            Assert.Equal([1L], saved.Acknowledged);
        }

        // Meanwhile its author revises it: another option is now the key, the stem reads differently and it is worth 3.
        using (var bank = BankFolder.CopyOfTheRealBank())
        {
            var file = Path.Combine(bank.Root, "fe6v35", "items", original.Id + ".md");
            var wrongThen = original.Options.ToList().FindIndex(o => !o.Correct); // options are keyed in source order
            var option = 0;
            var lines = (await File.ReadAllLinesAsync(file)).Select(line => line.StartsWith("- [x] ", StringComparison.Ordinal) || line.StartsWith("- [ ] ", StringComparison.Ordinal)
                ? (option++ == wrongThen ? "- [x] " : "- [ ] ") + line[6..]
                : line).ToList();
            var text = string.Join('\n', lines).Replace("marks: 1\n", "marks: 3\n", StringComparison.Ordinal)
                .Replace("\n---\n", "\n---\nRevised: ", StringComparison.Ordinal) + "\n";
            await File.WriteAllTextAsync(file, text);
            var load = ItemBankLoader.Load([Path.Combine(bank.Root, "fe6v35")], bank.Root);
            Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics.Where(d => d.Severity == Severity.Error)));
            var counts = await ImportItemBank.RunAsync(_store, load, retireMissing: false, ImportRights.Platform, _ => "author", "test", TimeProvider.System);
            Assert.True(counts.Revised >= 1, $"the import revised nothing: {counts}");
        }

        Item current;
        await using (var query = _store.QuerySession())
        {
            var revision = await query.Query<ItemRevision>().Where(r => r.ItemId == original.Id).OrderByDescending(r => r.Revision).FirstAsync();
            current = revision.Content;
        }

        Assert.NotEqual(original.ContentHash, current.ContentHash);
        Assert.Equal(3, current.Marks);
        Assert.False(current.Options.Single(o => o.Key == rightThen).Correct);

        // The page, reopened, still shows the question as it was given.
        using (var scope = _engine.Services.CreateScope())
        {
            var opened = await scope.ServiceProvider.GetRequiredService<Answering>().OpenAsync(attempt, "page-2", "candidate", "Test", CancellationToken.None);
            var shown = opened.Items.Single(i => i.Number == new Paper(attempt, given).NumberOf(original.Id));
            Assert.Equal(original.StemHtml, shown.StemHtml);
            Assert.DoesNotContain("Revised", shown.StemHtml, StringComparison.Ordinal);
            Assert.Equal(1, shown.Marks);
        }

        // Handed in, it is marked against the revision given: full marks of 1, not 0 of 3.
        Attempt submitted;
        using (var scope = _engine.Services.CreateScope())
        {
            await using var query = _store.QuerySession();
            submitted = await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync((await query.LoadAsync<Attempt>(attempt.Id))!, "candidate");
        }

        Assert.Equal(original.Marks, submitted.AutoMarks[original.Id]);
        Assert.Equal(1, original.Marks);
    }
}
