using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Moderation;
using Bogus;

namespace AssessmentEngine.Benchmarks;

/// <summary>
/// Marked attempts for the moderation workbook, made with Bogus from a fixed seed and handed over one at a time (as the
/// export job reads them from the database a page at a time): 16 items a form from a generated bank of 400, two of them
/// extended answers marked by an assessor, every attempt decided, about a quarter sampled and most of those verified,
/// one in 200 voided, and an incident in one sitting in ten.
/// </summary>
public sealed class GeneratedAttempts
{
    public const int ItemsPerForm = 16;
    private const int CandidatesPerSitting = 20;
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly Unit _unit;
    private readonly List<Item> _objective;
    private readonly List<Item> _extended;
    private readonly Dictionary<string, Item> _items;
    private readonly Dictionary<string, int> _revisions;

    public GeneratedAttempts()
    {
        var load = ItemBankLoader.LoadFiles(GeneratedBank.Create(400), new LoadOptions(new DateOnly(2026, 1, 1)));
        _unit = load.Units[0];
        _objective = _unit.Items.Where(i => i.Type != ItemType.Extended).ToList();
        _extended = _unit.Items.Where(i => i.Type == ItemType.Extended).ToList();
        _items = _unit.Items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        _revisions = _unit.Items.ToDictionary(i => i.Id, i => 1 + (Math.Abs(i.Id.GetHashCode(StringComparison.Ordinal)) % 3), StringComparer.Ordinal);
    }

    public IReadOnlyList<ExportedUnit> Units => [new ExportedUnit(_unit.Code, _unit.Title, _unit.Outcomes)];

    public async IAsyncEnumerable<ExportedAttempt> AttemptsAsync(int count, int seed = 2026)
    {
        var faker = new Faker("en_GB") { Random = new Randomizer(seed) };
        var centreId = Guid.CreateVersion7();
        var assessors = Enumerable.Range(0, 8).Select(_ => (Id: Guid.NewGuid(), Name: faker.Name.FullName())).ToList();
        var verifiers = Enumerable.Range(0, 3).Select(_ => (Id: Guid.NewGuid(), Name: faker.Name.FullName())).ToList();
        var sittingId = Guid.Empty;
        var sittingAt = Start;
        for (var n = 0; n < count; n++)
        {
            if (n % CandidatesPerSitting == 0)
            {
                sittingId = Guid.CreateVersion7();
                sittingAt = Start.AddHours(n / CandidatesPerSitting * 3);
                await Task.Yield();
            }

            var candidate = new Candidate(Guid.CreateVersion7(), centreId, $"C{n + 1:000000}", faker.Name.FirstName(), faker.Name.LastName(),
                DateOnly.FromDateTime(faker.Date.Past(30, new DateTime(2008, 1, 1))), Adjustments.None, Guid.Empty);
            var picked = faker.PickRandom(_objective, ItemsPerForm - 2).Concat(faker.PickRandom(_extended, 2)).ToList();
            var form = new Form("gen-online", faker.Random.Int(), picked.Select(i => new FormItem(i.Id, i.ContentHash, 1,
                i.Type == ItemType.Match ? i.Pairs.Select(p => p.Key).ToList() : i.Options.Select(o => o.Key).ToList(),
                i.Type == ItemType.Match ? i.Pairs.Select(p => p.Answer).ToList() : [])).ToList(), [], [], []);
            var started = sittingAt.AddMinutes(faker.Random.Int(0, 10));
            var submitted = started.AddMinutes(faker.Random.Int(20, 60));
            var answers = new Dictionary<string, Answer>(StringComparer.Ordinal);
            var auto = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var marked = new Dictionary<string, AssessorMark>(StringComparer.Ordinal);
            var assessor = faker.PickRandom(assessors);
            foreach (var item in picked)
            {
                answers[item.Id] = new Answer(Respond(faker, item), 1, started.AddMinutes(5));
                var mark = Math.Round(faker.Random.Decimal(0, item.Marks) * 2) / 2;
                if (item.Type == ItemType.Extended)
                {
                    marked[item.Id] = new AssessorMark(mark, null, assessor.Id, assessor.Name, submitted.AddDays(1));
                }
                else
                {
                    auto[item.Id] = faker.Random.Bool(0.65f) ? item.Marks : 0;
                }
            }

            var voided = faker.Random.Bool(0.005f);
            var attemptId = Guid.CreateVersion7();
            var decidedAt = submitted.AddDays(2);
            var sampled = !voided && faker.Random.Bool(0.25f);
            var verifier = faker.PickRandom(verifiers);
            var attempt = new Attempt(attemptId, sittingId, Guid.CreateVersion7(), candidate.Id, centreId, _unit.Code, "gen-online", faker.Random.Int(1, 2),
                voided ? AttemptStatus.Voided : AttemptStatus.Submitted, sittingAt.AddMinutes(-10))
            {
                Form = form,
                StartedAt = started,
                PassPercent = 60,
                SubmittedAt = voided ? null : submitted,
                VoidReason = voided ? "malpractice: notes found" : null,
                Answers = answers,
                AutoMarks = auto,
                AssessorMarks = marked,
                Decision = voided ? null : new AssessmentDecisionRecorded(attemptId, faker.Random.Bool(0.7f) ? Decisions.Competent : Decisions.NotYetCompetent,
                    "Meets the standard", assessor.Id, assessor.Name, decidedAt),
                Sampled = sampled ? new SampledForVerification(attemptId, "one in 10 of the assessor's other decisions", "sampling rule", decidedAt) : null,
                Verification = sampled && faker.Random.Bool(0.8f)
                    ? new VerificationRecorded(attemptId, faker.Random.Bool(0.9f), faker.Lorem.Sentence(), verifier.Id, verifier.Name, decidedAt.AddDays(3))
                    : null,
            };
            yield return new ExportedAttempt(attempt, candidate, "123456", sittingAt, _items, _revisions, assessor.Name,
                attempt.Verification is null ? null : ExportMarksJob.Initials(verifier.Name));
        }
    }

    /// <summary>An incident in one sitting in ten.</summary>
    public Task<IReadOnlyList<ExportedIncident>> IncidentsAsync(IReadOnlyCollection<Guid> sittings, CancellationToken cancellationToken)
    {
        var faker = new Faker("en_GB") { Random = new Randomizer(7) };
        IReadOnlyList<ExportedIncident> incidents = sittings.Where((_, i) => i % 10 == 0)
            .Select((_, i) => new ExportedIncident(Start.AddHours(i * 30), _unit.Code, "123456", "Room 1", Start.AddHours(i * 30).AddMinutes(12), "FIRE", "Fire alarm",
                faker.Lorem.Sentence(), "whole room", "invigilator@example.org"))
            .ToList();
        return Task.FromResult(incidents);
    }

    private static Response Respond(Faker faker, Item item) => item.Type switch
    {
        ItemType.Single or ItemType.TrueFalse => new Response(Choice: item.Options[faker.Random.Int(0, item.Options.Count - 1)].Key),
        ItemType.Multiple => new Response(Choices: faker.PickRandom(item.Options, Math.Min(2, item.Options.Count)).Select(o => o.Key).ToList()),
        ItemType.Match => new Response(Matches: item.Pairs.ToDictionary(p => p.Key, _ => item.Pairs[faker.Random.Int(0, item.Pairs.Count - 1)].Answer)),
        ItemType.Short => new Response(Text: faker.Lorem.Word()),
        _ => new Response(Text: faker.Lorem.Paragraphs(2)),
    };
}
