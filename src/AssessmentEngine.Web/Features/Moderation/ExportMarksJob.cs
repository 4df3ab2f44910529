using System.Text;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>
/// Produces a requested moderation export and stores it: the workbook (with the evidence submitted in the range) and the Marks sheet as CSV, written to temporary
/// files first and then into PostgreSQL chunk by chunk. Running it again for the same export writes it again (idempotent).
/// Nightly, every centre gets an export of the attempts of its previous day.
/// </summary>
public sealed class ExportMarksJob(IDocumentStore store, ExportFiles files, IBackgroundJobClient jobs, TimeProvider time, ILogger<ExportMarksJob> logger)
{
    public const string NightlyId = "export-marks-nightly";
    public const string Xlsx = "xlsx";
    public const string Csv = "csv";
    private const int Page = 1000;

    [AutomaticRetry(Attempts = 2)]
    [Queue("default")]
    public async Task RunAsync(Guid exportId, CancellationToken cancellationToken)
    {
        MarksExport export;
        Centre centre;
        await using (var session = store.LightweightSession())
        {
            export = await session.LoadAsync<MarksExport>(exportId, cancellationToken)
                ?? throw new InvalidOperationException($"There is no moderation export {exportId}.");
            centre = (await session.LoadAsync<Centre>(export.CentreId, cancellationToken))!;
            session.Store(export with { Status = ExportStatus.Running, Failure = null });
            await session.SaveChangesAsync(cancellationToken);
        }

        var xlsxPath = Path.GetTempFileName();
        var csvPath = Path.GetTempFileName();
        try
        {
            var counts = await WriteAsync(export, centre, xlsxPath, csvPath, cancellationToken);
            long xlsxBytes;
            long csvBytes;
            await using (var xlsx = File.OpenRead(xlsxPath))
            {
                xlsxBytes = await files.StoreAsync(export.Id, Xlsx, xlsx, cancellationToken);
            }

            await using (var csv = File.OpenRead(csvPath))
            {
                csvBytes = await files.StoreAsync(export.Id, Csv, csv, cancellationToken);
            }

            await using var session = store.LightweightSession();
            var now = time.GetUtcNow();
            session.Store(export with { Status = ExportStatus.Ready, ProducedAt = now, Counts = counts, XlsxBytes = xlsxBytes, CsvBytes = csvBytes, Failure = null });
            Audit.Record(session, new ExportProduced(export.Id, export.CentreId, export.Describe(), counts.Attempts, xlsxBytes, EngineActor.Name, "job", now));
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            logger.LogError(failed, "Moderation export {ExportId} failed", export.Id);
            await using var session = store.LightweightSession();
            session.Store(export with { Status = ExportStatus.Failed, Failure = failed.Message });
            await session.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            File.Delete(xlsxPath);
            File.Delete(csvPath);
        }
    }

    /// <summary>An export per centre of the attempts of the centre's previous day; asked for again the same day, nothing new is made.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<int> NightlyAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var requested = 0;
        var now = time.GetUtcNow();
        foreach (var centre in await session.Query<Centre>().ToListAsync(cancellationToken))
        {
            var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime).AddDays(-1);
            var id = NameBasedId.For($"marks-export:{centre.Id}:{yesterday:yyyy-MM-dd}");
            if (await session.LoadAsync<MarksExport>(id, cancellationToken) is not null)
            {
                continue;
            }

            var export = new MarksExport(id, centre.Id, null, yesterday, yesterday, EngineActor.Name, now, Nightly: true);
            session.Store(export);
            Audit.Record(session, new ExportRequested(id, centre.Id, export.Describe(), EngineActor.Name, "job", now));
            await session.SaveChangesAsync(cancellationToken);
            jobs.Enqueue<ExportMarksJob>(job => job.RunAsync(id, CancellationToken.None));
            requested++;
        }

        return requested;
    }

    private async Task<WorkbookCounts> WriteAsync(MarksExport export, Centre centre, string xlsxPath, string csvPath, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var units = export.UnitCode is { } code
            ? await session.Query<BankUnit>().Where(u => u.Id == code).ToListAsync(cancellationToken)
            : await session.Query<BankUnit>().ToListAsync(cancellationToken);
        var workbook = new MarksWorkbook(units.Select(u => new ExportedUnit(u.UnitCode, u.Title, u.Outcomes)).ToList(), centre.Zone);
        var lookups = new Lookups(session);
        await using var xlsx = new FileStream(xlsxPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var csv = new StreamWriter(csvPath, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        return await workbook.WriteAsync(xlsx, csv, AttemptsAsync(session, export, centre, lookups, cancellationToken), EvidenceAsync(session, export, centre, lookups, cancellationToken),
            (sittings, token) => IncidentsAsync(session, centre, sittings, lookups, token), cancellationToken);
    }

    /// <summary>The versions of evidence submitted at the centre in the export's days (and unit), a page of submissions at a time.</summary>
    private static async IAsyncEnumerable<ExportedEvidence> EvidenceAsync(
        IQuerySession session, MarksExport export, Centre centre, Lookups lookups, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = CentreTime.FromLocal(export.From, TimeOnly.MinValue, centre.Zone);
        var to = CentreTime.FromLocal(export.To.AddDays(1), TimeOnly.MinValue, centre.Zone);
        var query = session.Query<Submission>().Where(s => s.CentreId == centre.Id);
        if (export.UnitCode is { } unit)
        {
            query = query.Where(s => s.UnitCode == unit);
        }

        var briefs = new Dictionary<string, IReadOnlyList<Brief>>(StringComparer.Ordinal);
        for (var skip = 0; ; skip += Page)
        {
            var page = await query.OrderBy(s => s.UnitCode).ThenBy(s => s.Id).Skip(skip).Take(Page).ToListAsync(cancellationToken);
            var versions = page.SelectMany(s => s.Versions.Where(v => v.SubmittedAt >= from && v.SubmittedAt < to).Select(v => (Submission: s, Version: v))).ToList();
            await lookups.LoadCandidatesAsync(versions.Select(v => v.Submission.CandidateId), cancellationToken);
            await lookups.LoadStaffAsync(versions.SelectMany(v => new[] { v.Version.Judgement?.Actor, v.Version.Verification?.Actor }).OfType<string>(), cancellationToken);
            foreach (var code in versions.Select(v => v.Submission.UnitCode).Distinct().Where(code => !briefs.ContainsKey(code)).ToList())
            {
                briefs[code] = (await session.LoadAsync<BankUnit>(code, cancellationToken))?.Briefs ?? [];
            }

            foreach (var (submission, version) in versions)
            {
                var brief = briefs[submission.UnitCode].FirstOrDefault(b => b.Id == submission.BriefId);
                yield return new ExportedEvidence(submission, version, lookups.Candidate(submission.CandidateId), centre.AnonymousMarking && version.Judgement is null,
                    brief?.Method ?? "", version.Brief.Title, version.Judgement is { } judged ? lookups.Staff(judged.Actor)?.DisplayName : null,
                    version.Verification is { } verified ? Initials(lookups.Staff(verified.Actor)?.DisplayName) : null);
            }

            if (page.Count < Page)
            {
                yield break;
            }
        }
    }

    /// <summary>The export's attempts, a page at a time, each with what its rows need.</summary>
    private static async IAsyncEnumerable<ExportedAttempt> AttemptsAsync(
        IQuerySession session, MarksExport export, Centre centre, Lookups lookups, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = CentreTime.FromLocal(export.From, TimeOnly.MinValue, centre.Zone);
        var to = CentreTime.FromLocal(export.To.AddDays(1), TimeOnly.MinValue, centre.Zone);
        var query = session.Query<Attempt>().Where(a => a.CentreId == centre.Id
            && ((a.Status == AttemptStatus.Submitted && a.SubmittedAt >= from && a.SubmittedAt < to)
                || (a.Status == AttemptStatus.Voided && a.StartedAt >= from && a.StartedAt < to)));
        if (export.UnitCode is { } unit)
        {
            query = query.Where(a => a.UnitCode == unit);
        }

        for (var skip = 0; ; skip += Page)
        {
            var page = await query.OrderBy(a => a.UnitCode).ThenBy(a => a.StartedAt).ThenBy(a => a.Id).Skip(skip).Take(Page).ToListAsync(cancellationToken);
            await lookups.LoadAsync(page, cancellationToken);
            foreach (var attempt in page)
            {
                var (items, revisions) = lookups.Pinned(attempt);
                var assessor = attempt.Decision is { } decision ? lookups.Account(decision.AssessorId)?.DisplayName : null;
                var verifier = attempt.Verification is { } verification ? Initials(lookups.Account(verification.VerifierId)?.DisplayName) : null;
                yield return new ExportedAttempt(attempt, lookups.Candidate(attempt.CandidateId), centre.Number, lookups.Sitting(attempt.SittingId)?.StartsAt ?? attempt.StartedAt ?? attempt.CheckedInAt,
                    items, revisions, assessor, verifier);
            }

            if (page.Count < Page)
            {
                yield break;
            }
        }
    }

    private static async Task<IReadOnlyList<ExportedIncident>> IncidentsAsync(IQuerySession session, Centre centre, IReadOnlyCollection<Guid> sittingIds, Lookups lookups, CancellationToken cancellationToken)
    {
        var incidents = new List<ExportedIncident>();
        foreach (var sittingId in sittingIds)
        {
            var sitting = lookups.Sitting(sittingId);
            if (sitting is null)
            {
                continue;
            }

            var logged = (await session.Events.FetchStreamAsync(sittingId, token: cancellationToken)).Select(e => e.Data).OfType<IncidentLogged>().ToList();
            await lookups.LoadCandidatesAsync(logged.SelectMany(i => i.CandidateIds), cancellationToken);
            incidents.AddRange(logged.Select(i => new ExportedIncident(sitting.StartsAt, sitting.UnitCode, centre.Number, sitting.Room, i.LoggedAt, i.Code, i.Title, i.Note,
                i.CandidateIds.Count == 0 ? "whole room" : string.Join(" ", i.CandidateIds.Select(id => lookups.Candidate(id).CandidateNumber)), i.Actor)));
        }

        return incidents;
    }

    /// <summary>"Jo Bloggs" → "JB".</summary>
    public static string? Initials(string? name) => string.IsNullOrWhiteSpace(name)
        ? null
        : string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0])));

    /// <summary>Candidates, sittings, staff and item revisions, each read once and kept for the rest of the export.</summary>
    private sealed class Lookups(IQuerySession session)
    {
        private readonly Dictionary<Guid, Candidate> _candidates = [];
        private readonly Dictionary<Guid, Sitting?> _sittings = [];
        private readonly Dictionary<Guid, UserAccount?> _accounts = [];
        private readonly Dictionary<string, UserAccount?> _bySignIn = new(StringComparer.Ordinal);
        private readonly Dictionary<(string ItemId, string Hash), (Item Item, int Revision)> _revisions = [];
        private readonly HashSet<string> _itemsRead = new(StringComparer.Ordinal);

        public Candidate Candidate(Guid id) => _candidates.TryGetValue(id, out var candidate)
            ? candidate
            : new Candidate(id, Guid.Empty, "?", "(unknown", "candidate)", default, Adjustments.None, Guid.Empty);

        public Sitting? Sitting(Guid id) => _sittings.GetValueOrDefault(id);

        public UserAccount? Account(Guid id) => _accounts.GetValueOrDefault(id);

        /// <summary>A member of staff by sign-in name (as evidence's events name them).</summary>
        public UserAccount? Staff(string signInName) => _bySignIn.GetValueOrDefault(signInName);

        public async Task LoadStaffAsync(IEnumerable<string> signInNames, CancellationToken cancellationToken)
        {
            var missing = signInNames.Distinct(StringComparer.Ordinal).Where(name => !_bySignIn.ContainsKey(name)).ToArray();
            if (missing.Length == 0)
            {
                return;
            }

            var found = (await session.Query<UserAccount>().Where(a => a.SignInName.IsOneOf(missing)).ToListAsync(cancellationToken)).ToDictionary(a => a.SignInName, StringComparer.Ordinal);
            foreach (var name in missing)
            {
                _bySignIn[name] = found.GetValueOrDefault(name);
            }
        }

        public (IReadOnlyDictionary<string, Item> Items, IReadOnlyDictionary<string, int> Revisions) Pinned(Attempt attempt)
        {
            var items = new Dictionary<string, Item>(StringComparer.Ordinal);
            var revisions = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var formItem in attempt.Form?.Items ?? [])
            {
                var (item, revision) = _revisions.TryGetValue((formItem.ItemId, formItem.ContentHash), out var pinned)
                    ? pinned
                    : throw new InvalidOperationException($"The revision of item {formItem.ItemId} that attempt {attempt.Id} pinned ({formItem.ContentHash}) is missing.");
                items[formItem.ItemId] = item;
                revisions[formItem.ItemId] = revision;
            }

            return (items, revisions);
        }

        public async Task LoadAsync(IReadOnlyList<Attempt> attempts, CancellationToken cancellationToken)
        {
            await LoadCandidatesAsync(attempts.Select(a => a.CandidateId), cancellationToken);
            var sittings = attempts.Select(a => a.SittingId).Distinct().Where(id => !_sittings.ContainsKey(id)).ToArray();
            if (sittings.Length > 0)
            {
                var found = (await session.LoadManyAsync<Sitting>(cancellationToken, sittings)).ToDictionary(s => s.Id);
                foreach (var id in sittings)
                {
                    _sittings[id] = found.GetValueOrDefault(id);
                }
            }

            var staff = attempts.SelectMany(a => new[] { a.Decision?.AssessorId, a.Verification?.VerifierId }).OfType<Guid>().Distinct()
                .Where(id => !_accounts.ContainsKey(id)).ToArray();
            if (staff.Length > 0)
            {
                var found = (await session.LoadManyAsync<UserAccount>(cancellationToken, staff)).ToDictionary(a => a.Id);
                foreach (var id in staff)
                {
                    _accounts[id] = found.GetValueOrDefault(id);
                }
            }

            var items = attempts.SelectMany(a => a.Form?.Items ?? []).Select(i => i.ItemId).Distinct().Where(_itemsRead.Add).ToArray();
            if (items.Length > 0)
            {
                foreach (var revision in await session.Query<ItemRevision>().Where(r => r.ItemId.IsOneOf(items)).ToListAsync(cancellationToken))
                {
                    _revisions.TryAdd((revision.ItemId, revision.Content.ContentHash), (revision.Content, revision.Revision));
                }
            }
        }

        public async Task LoadCandidatesAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
        {
            var missing = ids.Distinct().Where(id => !_candidates.ContainsKey(id)).ToArray();
            if (missing.Length > 0)
            {
                foreach (var candidate in await session.LoadManyAsync<Candidate>(cancellationToken, missing))
                {
                    _candidates[candidate.Id] = candidate;
                }
            }
        }
    }
}
