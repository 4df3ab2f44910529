using System.Globalization;
using System.Net;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.Evidence.Verifying;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.Invigilation.LoggingIncidents;
using AssessmentEngine.Web.Features.Invigilation.Voiding;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Marking.Deciding;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Marking.Verifying;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Features.Moderation.Requesting;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using ClosedXML.Excel;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Moderation;

/// <summary>
/// Real attempts, taken, marked, decided, sampled and verified through the engine's services (one voided, one in a
/// sitting with an incident), exported by the job class, and the stored workbook opened with ClosedXML: every sheet's
/// headers and values against the attempts that produced them.
/// </summary>
public sealed class MarksWorkbookTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string FormulaFirstName = "=HYPERLINK(\"http://example.org\")";
    private const string FormulaName = FormulaFirstName + " Smith";
    private const string FormulaAnswer = "=1+1 is how I would start";
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private sealed record Built(SittingNow Sitting, UserAccount Assessor, UserAccount Verifier, Guid Voided, Guid Incident);

    /// <summary>Five candidates: 1 competent and verified (agrees), 2 not yet competent (sampled by the rule), 3 competent, 4 voided, 5 undecided.</summary>
    private async Task<Built> AttemptsAsync()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 5, "MW");
        var assessor = await Centres.StaffAsync(_store, sitting.Centre, $"assessor{sitting.Centre.Number}@example.org", Role.Assessor);
        var verifier = await Centres.StaffAsync(_store, sitting.Centre, $"verifier{sitting.Centre.Number}@example.org", Role.Verifier);
        await using (var session = _store.LightweightSession())
        {
            // A name a spreadsheet would run as a formula, were it written as one.
            session.Store(sitting.Candidates[0] with { FirstName = FormulaFirstName, LastName = "Smith" });
            await session.SaveChangesAsync();
        }

        var now = DateTimeOffset.UtcNow;
        T Use<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();
        var assessorUser = EngineClaims.For(assessor, "test", now);
        var verifierUser = EngineClaims.For(verifier, "test", now);
        var invigilator = new Invigilator(sitting.Invigilator.Id, sitting.Invigilator.SignInName);
        for (var n = 0; n < sitting.Candidates.Count; n++)
        {
            var candidate = sitting.Candidates[n];
            var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidate);
            if (n == 3)
            {
                using var scope = _engine.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<VoidAttempt>().HandleAsync(sitting.Sitting.Id, candidate.Id, "notes found on the desk", invigilator);
                continue;
            }

            await AnswerAsync(attempt, right: n != 1, extended: n == 0 ? FormulaAnswer : $"My answer, candidate {n + 1}.");
            using (var scope = _engine.Services.CreateScope())
            {
                await using var session = _store.QuerySession();
                await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync((await session.LoadAsync<Attempt>(attempt.Id))!, "candidate");
            }

            if (n == 4)
            {
                continue;
            }

            var marked = await Use<MarkedAttempts>().LoadAsync(attempt.Id, Role.Assessor, assessorUser);
            foreach (var item in marked.Items.Values.Where(i => i.Type == ItemType.Extended))
            {
                await Use<MarkResponse>().HandleAsync(attempt.Id, item.Id, n == 1 ? 0 : item.Marks, "marked", new Staff(assessor.Id, assessor.SignInName), assessorUser);
            }

            await Use<RecordDecision>().HandleAsync(attempt.Id, n == 1 ? Decisions.NotYetCompetent : Decisions.Competent, "as the marks show", new Staff(assessor.Id, assessor.SignInName), assessorUser);
            if (n == 0)
            {
                await Use<VerifyDecision>().HandleAsync(attempt.Id, agrees: true, "=agreed, well evidenced", new Staff(verifier.Id, verifier.SignInName), verifierUser);
            }
        }

        using (var scope = _engine.Services.CreateScope())
        {
            var code = scope.ServiceProvider.GetRequiredService<InvigilationPlaybook>().IncidentCodes.First(c => c.Code == "ILL");
            await scope.ServiceProvider.GetRequiredService<LogIncident>().HandleAsync(sitting.Sitting.Id, code.Code, "felt faint, rested 5 minutes", [sitting.Candidates[2].Id], invigilator);
        }

        return new Built(sitting, assessor, verifier, sitting.Candidates[3].Id, sitting.Candidates[2].Id);
    }

    /// <summary>Answers every question through the candidate's own save path: right (or wrong) choices, and a written answer.</summary>
    private async Task AnswerAsync(Attempt attempt, bool right, string extended)
    {
        using var scope = _engine.Services.CreateScope();
        var answering = scope.ServiceProvider.GetRequiredService<Answering>();
        await answering.OpenAsync(attempt, "page-1", "candidate", "test", CancellationToken.None);
        await using var session = _store.QuerySession();
        attempt = (await session.LoadAsync<Attempt>(attempt.Id))!;
        var items = await PinnedItems.LoadAsync(session, attempt.Form!, CancellationToken.None);
        var paper = new Paper(attempt, items);
        var changes = attempt.Form!.Items.Select((formItem, index) =>
        {
            var item = items[formItem.ItemId];
            var response = item.Type switch
            {
                ItemType.Single or ItemType.TrueFalse => new Response(Choice: item.Options.First(o => o.Correct == right).Key),
                ItemType.Multiple => new Response(Choices: item.Options.Where(o => o.Correct == right).Select(o => o.Key).ToList()),
                ItemType.Match => new Response(Matches: item.Pairs.ToDictionary(p => p.Key, p => right ? p.Answer : item.Pairs.First(q => q.Answer != p.Answer).Answer)),
                ItemType.Short => new Response(Text: right ? item.AcceptedAnswers[0] : "no idea"),
                _ => new Response(Text: extended),
            };
            return new PageChange(index + 1, index + 1, paper.Show(item.Id, response), null);
        }).ToList();
        var saved = await answering.SaveAsync(attempt.Id, attempt.CandidateId, new SaveRequest("page-1", changes), CancellationToken.None);
        Assert.Empty(saved.Refused);
    }

    private async Task<MarksExport> ExportAsync(Built built)
    {
        using var scope = _engine.Services.CreateScope();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, built.Sitting.Centre.Zone).DateTime);
        var export = await scope.ServiceProvider.GetRequiredService<RequestExport>()
            .HandleAsync(built.Sitting.Centre.Id, "FE6V 35", today.AddDays(-1), today, new(built.Verifier.SignInName, "192.0.2.9"));
        await scope.ServiceProvider.GetRequiredService<ExportMarksJob>().RunAsync(export.Id, CancellationToken.None);
        await using var session = _store.QuerySession();
        return (await session.LoadAsync<MarksExport>(export.Id))!;
    }

    private async Task<XLWorkbook> StoredWorkbookAsync(Guid exportId)
    {
        var bytes = new MemoryStream();
        Assert.True(await _engine.Services.GetRequiredService<ExportFiles>().CopyToAsync(exportId, ExportMarksJob.Xlsx, bytes, CancellationToken.None));
        bytes.Position = 0;
        return new XLWorkbook(bytes);
    }

    private static List<string> Headers(IXLWorksheet sheet) =>
        sheet.Row(1).CellsUsed().Select(c => c.GetString()).ToList();

    private static Dictionary<string, IXLCell> Row(IXLWorksheet sheet, int row)
    {
        var headers = Headers(sheet);
        return headers.Select((h, i) => (h, sheet.Cell(row, i + 1))).ToDictionary(x => x.h, x => x.Item2);
    }

    [Fact]
    public async Task The_evidence_sheet_holds_each_version_submitted_with_its_judgement_and_the_verifiers_outcome_withholding_names_the_centre_marks_anonymously()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "EV");
        var centre = sitting.Centre with { AnonymousMarking = true };
        await using (var session = _store.LightweightSession())
        {
            session.Store(centre);
            await session.SaveChangesAsync();
        }

        var assessor = await Centres.StaffAsync(_store, centre, $"evassessor{centre.Number}@example.org", Role.Assessor);
        var verifier = await Centres.StaffAsync(_store, centre, $"evverifier{centre.Number}@example.org", Role.Verifier);
        BankUnit unit;
        await using (var query = _store.QuerySession())
        {
            unit = (await query.LoadAsync<BankUnit>("FE6V 35"))!;
        }

        var brief = unit.Briefs![0];
        var now = DateTimeOffset.UtcNow;
        static EvidenceFile File(string name, int? words) => new(Guid.NewGuid(), name, EvidenceKind.Pdf, 9, "", words, ScanState.NotScanned);
        async Task<Guid> SubmittedAsync(Candidate candidate, params EvidenceFile[] files)
        {
            var id = Submission.IdFor(Guid.NewGuid(), brief.Id);
            await using var session = _store.LightweightSession();
            session.Events.StartStream<Submission>(id, [
                .. files.Select(f => new EvidenceFileAdded(id, Guid.NewGuid(), candidate.Id, centre.Id, unit.Id, brief.Id, f, "candidate", now)),
                new EvidenceSubmitted(id, centre.Id, 1, files.Select(f => f.Id).ToList(), new BriefRevision(brief.Id, brief.ContentHash, brief.Title, brief.Html),
                    SubmissionDecisions.Declaration, "candidate", "192.0.2.1", now),
            ]);
            await session.SaveChangesAsync();
            return id;
        }

        var judged = await SubmittedAsync(sitting.Candidates[0], File("report.pdf", 3_200), File("plan.pdf", 800), File("photo.png", null));
        await SubmittedAsync(sitting.Candidates[1], File("slides.pdf", null));
        using (var scope = _engine.Services.CreateScope())
        {
            var criteria = brief.Covers.Select((c, i) => new CriterionJudgement(c, i > 0, i > 0 ? "" : "Say how you checked it.")).ToList();
            await scope.ServiceProvider.GetRequiredService<JudgeEvidence>()
                .HandleAsync(EngineClaims.For(assessor, "test", now), judged, 1, criteria, "Nearly there.", "192.0.2.1", CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<VerifyEvidence>()
                .HandleAsync(EngineClaims.For(verifier, "test", now), judged, 1, agrees: false, "=the first criterion is met", "192.0.2.9", CancellationToken.None);
        }

        var export = await ExportAsync(new Built(sitting, assessor, verifier, Guid.Empty, Guid.Empty));
        Assert.Equal(ExportStatus.Ready, export.Status);
        Assert.Equal(2, export.Counts!.Evidence);
        using var workbook = await StoredWorkbookAsync(export.Id);
        var sheet = workbook.Worksheet(MarksWorkbook.Evidence);
        Assert.Equal(MarksWorkbook.EvidenceHeaders, Headers(sheet));
        var rows = Enumerable.Range(2, 2).Select(r => Row(sheet, r)).ToDictionary(r => r["Candidate number"].GetString());
        var first = rows[sitting.Candidates[0].CandidateNumber];
        Assert.Equal(sitting.Candidates[0].Name, first["Candidate name"].GetString());
        Assert.Equal(("FE6V 35", brief.Method, brief.Title, 1d), (first["Unit code"].GetString(), first["Method"].GetString(), first["Brief"].GetString(), first["Version"].GetDouble()));
        Assert.Equal(("report.pdf;plan.pdf;photo.png", 4_000d), (first["Files"].GetString(), first["Word count"].GetDouble()));
        Assert.Equal($"{brief.Covers.Count - 1} of {brief.Covers.Count}", first["Criteria met"].GetString());
        Assert.Equal(assessor.DisplayName, first["Assessor"].GetString());
        Assert.Equal(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime, first["Judged at"].GetDateTime(), TimeSpan.FromMinutes(1));
        Assert.Equal(EvidenceSamplingRule.NotEveryCriterionMet, first["Sample reason"].GetString());
        Assert.Equal((ExportMarksJob.Initials(verifier.DisplayName), "disagrees", "=the first criterion is met"),
            (first["Verifier"].GetString(), first["IV outcome"].GetString(), first["IV comment"].GetString()));
        Assert.False(first["IV comment"].HasFormula);

        // Not yet judged at a centre that marks anonymously: the number only, and no judgement.
        var waiting = rows[sitting.Candidates[1].CandidateNumber];
        Assert.Equal(("", "slides.pdf", "", "", ""), (waiting["Candidate name"].GetString(), waiting["Files"].GetString(), waiting["Word count"].GetString(),
            waiting["Criteria met"].GetString(), waiting["IV outcome"].GetString()));
    }

    [Fact]
    public async Task Every_sheet_holds_the_attempts_that_produced_it()
    {
        var built = await AttemptsAsync();
        var export = await ExportAsync(built);
        Assert.Equal(ExportStatus.Ready, export.Status);

        await using var session = _store.QuerySession();
        var attempts = (await session.Query<Attempt>().Where(a => a.SittingId == built.Sitting.Sitting.Id).ToListAsync()).ToDictionary(a => a.CandidateId);
        var candidates = (await session.Query<Candidate>().Where(c => c.CentreId == built.Sitting.Centre.Id).ToListAsync()).ToDictionary(c => c.Id);
        var unit = (await session.LoadAsync<BankUnit>("FE6V 35"))!;
        var revisions = await session.Query<ItemRevision>().ToListAsync();
        var zone = built.Sitting.Centre.Zone;
        Assert.Equal(5, export.Counts!.Attempts);
        // One response row per question of each attempt but the voided one; forms differ in length, not in marks.
        var questions = attempts.Values.Where(a => a.Status != AttemptStatus.Voided).Sum(a => a.Form!.Items.Count);
        Assert.Equal(questions, export.Counts.Responses);

        using var workbook = await StoredWorkbookAsync(export.Id);
        Assert.Equal(["Summary", "Marks", "Responses", "Evidence", "Incidents", "Items"], workbook.Worksheets.Select(w => w.Name).ToList());
        foreach (var sheet in workbook.Worksheets)
        {
            Assert.Equal(1, sheet.SheetView.SplitRow);
            Assert.True(sheet.AutoFilter.IsEnabled, $"{sheet.Name} has no auto-filter");
            Assert.Equal(1, sheet.AutoFilter.Range.FirstRow().RowNumber());
            Assert.True(sheet.Row(1).Cell(1).Style.Font.Bold);
        }

        // Marks: one row per attempt.
        var marks = workbook.Worksheet("Marks");
        Assert.Equal(
            ["Unit code", "Centre number", "Candidate number", "Candidate name", "Sitting date", "Occasion", "Status", "Outcome 1", "Outcome 2",
             "Total", "Available", "Percentage", "Meets pass mark", "Decision", "Assessor", "Decided at", "Sampled on", "Sample reason", "Verifier",
             "Verified on", "IV outcome", "IV comment"],
            Headers(marks));
        Assert.Equal(6, marks.LastRowUsed().RowNumber());
        for (var r = 2; r <= 6; r++)
        {
            var row = Row(marks, r);
            var candidate = candidates.Values.Single(c => c.CandidateNumber == row["Candidate number"].GetString());
            var attempt = attempts[candidate.Id];
            Assert.Equal("FE6V 35", row["Unit code"].GetString());
            Assert.Equal(built.Sitting.Centre.Number, row["Centre number"].GetString());
            Assert.Equal(candidate.Name, row["Candidate name"].GetString());
            Assert.Equal(XLDataType.DateTime, row["Sitting date"].DataType);
            Assert.Equal("yyyy-mm-dd", row["Sitting date"].Style.NumberFormat.Format);
            Assert.Equal(TimeZoneInfo.ConvertTime(built.Sitting.Sitting.StartsAt, zone).Date, row["Sitting date"].GetDateTime());
            Assert.Equal(attempt.Occasion, row["Occasion"].GetValue<int>());
            if (attempt.Status == AttemptStatus.Voided)
            {
                Assert.Equal(built.Voided, candidate.Id);
                Assert.Equal("voided: notes found on the desk", row["Status"].GetString());
                Assert.True(row["Total"].IsEmpty());
                Assert.True(row["Decision"].IsEmpty());
                continue;
            }

            var items = revisions.Where(v => attempt.Form!.Items.Any(f => f.ItemId == v.ItemId && f.ContentHash == v.Content.ContentHash))
                .ToDictionary(v => v.ItemId, v => v.Content);
            var result = AttemptResult.Of(attempt, items, unit.Outcomes);
            Assert.Equal("submitted", row["Status"].GetString());
            Assert.Equal(result.Outcomes.Single(o => o.Outcome == 1).Marks, row["Outcome 1"].GetValue<decimal>());
            Assert.Equal(result.Outcomes.Single(o => o.Outcome == 2).Marks, row["Outcome 2"].GetValue<decimal>());
            Assert.Equal(result.Total, row["Total"].GetValue<decimal>());
            Assert.Equal(result.Available, row["Available"].GetValue<int>());
            Assert.Equal(result.Percent / 100, row["Percentage"].GetValue<decimal>());
            Assert.Equal("0.0%", row["Percentage"].Style.NumberFormat.Format);
            Assert.Equal(result.MeetsPassMark ? "yes" : "no", row["Meets pass mark"].GetString());
            if (attempt.Decision is { } decision)
            {
                Assert.Equal(decision.Decision.Replace('-', ' '), row["Decision"].GetString());
                Assert.Equal(built.Assessor.DisplayName, row["Assessor"].GetString());
                Assert.Equal("yyyy-mm-dd hh:mm", row["Decided at"].Style.NumberFormat.Format);
                Assert.Equal(TimeZoneInfo.ConvertTime(decision.DecidedAt, zone).DateTime, row["Decided at"].GetDateTime(), TimeSpan.FromSeconds(1));
            }
            else
            {
                Assert.True(row["Decision"].IsEmpty());
            }

            Assert.Equal(attempt.Sampled?.Reason ?? "", row["Sample reason"].GetString());
            Assert.Equal(attempt.Sampled is null, row["Sampled on"].IsEmpty());
            if (attempt.Verification is { } verification)
            {
                Assert.Equal(ExportMarksJob.Initials(built.Verifier.DisplayName), row["Verifier"].GetString());
                Assert.Equal("agrees", row["IV outcome"].GetString());
                Assert.Equal(TimeZoneInfo.ConvertTime(verification.VerifiedAt, zone).Date, row["Verified on"].GetDateTime());
                // A verifier's comment starting with = is text, not a formula.
                Assert.Equal("=agreed, well evidenced", row["IV comment"].GetString());
                Assert.False(row["IV comment"].HasFormula);
            }
        }

        // Formula injection: the name is text, exactly as registered.
        var named = marks.Column(4).CellsUsed().Single(c => c.GetString() == FormulaName);
        Assert.Equal(XLDataType.Text, named.DataType);
        Assert.False(named.HasFormula);

        // Responses: one row per item per attempt (the voided one has none).
        var responses = workbook.Worksheet("Responses");
        Assert.Equal(
            ["Unit code", "Centre number", "Candidate number", "Occasion", "Question", "Item id", "Revision", "Statements", "Type", "Response",
             "Marks", "Available", "Marker", "Second mark", "Second marker"],
            Headers(responses));
        Assert.Equal(1 + questions, responses.LastRowUsed().RowNumber());
        for (var r = 2; r <= responses.LastRowUsed().RowNumber(); r++)
        {
            var row = Row(responses, r);
            var candidate = candidates.Values.Single(c => c.CandidateNumber == row["Candidate number"].GetString());
            var attempt = attempts[candidate.Id];
            Assert.NotEqual(AttemptStatus.Voided, attempt.Status);
            var number = row["Question"].GetValue<int>();
            var formItem = attempt.Form!.Items[number - 1];
            var revision = revisions.Single(v => v.ItemId == formItem.ItemId && v.Content.ContentHash == formItem.ContentHash);
            Assert.Equal(formItem.ItemId, row["Item id"].GetString());
            Assert.Equal(revision.Revision, row["Revision"].GetValue<int>());
            Assert.Equal(string.Join("; ", revision.Content.Statements), row["Statements"].GetString());
            Assert.Equal(revision.Content.Type.ToString().ToLowerInvariant(), row["Type"].GetString());
            Assert.Equal(MarksWorkbook.Show(revision.Content, attempt.Answers[formItem.ItemId].Response), row["Response"].GetString());
            Assert.Equal(revision.Content.Marks, row["Available"].GetValue<int>());
            var mark = AttemptResult.MarkOf(attempt, formItem.ItemId);
            Assert.Equal(mark is null, row["Marks"].IsEmpty());
            if (mark is not null)
            {
                Assert.Equal(mark.Value, row["Marks"].GetValue<decimal>());
                Assert.Equal(revision.Content.Type == ItemType.Extended ? built.Assessor.SignInName : "engine", row["Marker"].GetString());
            }

            if (revision.Content.Type == ItemType.Extended && candidate.Id == built.Sitting.Candidates[0].Id)
            {
                Assert.Equal(FormulaAnswer, row["Response"].GetString());
                Assert.Equal(XLDataType.Text, row["Response"].DataType);
                Assert.False(row["Response"].HasFormula);
            }
        }

        // Incidents: the sitting's one incident, about candidate 3.
        var incidents = workbook.Worksheet("Incidents");
        Assert.Equal(["Sitting date", "Unit code", "Centre number", "Room", "Logged at", "Code", "Title", "Note", "Candidates", "Logged by"], Headers(incidents));
        Assert.Equal(2, incidents.LastRowUsed().RowNumber());
        var incident = Row(incidents, 2);
        Assert.Equal("ILL", incident["Code"].GetString());
        Assert.Equal("felt faint, rested 5 minutes", incident["Note"].GetString());
        Assert.Equal(candidates[built.Incident].CandidateNumber, incident["Candidates"].GetString());
        Assert.Equal("Room 9", incident["Room"].GetString());
        Assert.Equal(built.Sitting.Invigilator.SignInName, incident["Logged by"].GetString());
        Assert.Equal("yyyy-mm-dd hh:mm", incident["Logged at"].Style.NumberFormat.Format);

        // Items: every item shown, how often, its facility and discrimination.
        var counted = attempts.Values.Where(a => a.Status != AttemptStatus.Voided).ToList();
        var shown = counted.SelectMany(a => a.Form!.Items).GroupBy(f => f.ItemId).ToDictionary(g => g.Key, g => g.Count());
        var itemSheet = workbook.Worksheet("Items");
        Assert.Equal(["Unit code", "Item id", "Revision", "Type", "Statements", "Available", "Exposure", "Mean mark", "Facility", "Discrimination"], Headers(itemSheet));
        Assert.Equal(1 + shown.Count, itemSheet.LastRowUsed().RowNumber());
        for (var r = 2; r <= itemSheet.LastRowUsed().RowNumber(); r++)
        {
            var row = Row(itemSheet, r);
            var itemId = row["Item id"].GetString();
            Assert.Equal(shown[itemId], row["Exposure"].GetValue<int>());
            var marksGiven = counted.Where(a => a.Form!.Items.Any(f => f.ItemId == itemId)).Select(a => AttemptResult.MarkOf(a, itemId)).OfType<decimal>().ToList();
            var available = row["Available"].GetValue<int>();
            if (marksGiven.Count == 0)
            {
                // Shown only on the attempt still waiting for its assessor: nothing to say yet.
                Assert.True(row["Facility"].IsEmpty());
                continue;
            }

            Assert.Equal(Math.Round(marksGiven.Average() / available, 2), row["Facility"].GetValue<decimal>());
            Assert.Equal("0.00", row["Facility"].Style.NumberFormat.Format);
        }

        // Summary: the unit's one row.
        var summary = workbook.Worksheet("Summary");
        Assert.Equal(
            ["Unit code", "Unit title", "Candidates", "Attempts", "Voided", "Competent", "Not yet competent", "Awaiting decision", "Meets pass mark",
             "Pass-mark rate", "Sampled", "Verified", "Verifier agreement"],
            Headers(summary));
        var totals = Row(summary, 2);
        Assert.Equal("FE6V 35", totals["Unit code"].GetString());
        Assert.Equal(unit.Title, totals["Unit title"].GetString());
        Assert.Equal(5, totals["Candidates"].GetValue<int>());
        Assert.Equal(5, totals["Attempts"].GetValue<int>());
        Assert.Equal(1, totals["Voided"].GetValue<int>());
        Assert.Equal(counted.Count(a => a.Decision?.Decision == Decisions.Competent), totals["Competent"].GetValue<int>());
        Assert.Equal(counted.Count(a => a.Decision?.Decision == Decisions.NotYetCompetent), totals["Not yet competent"].GetValue<int>());
        Assert.Equal(1, totals["Awaiting decision"].GetValue<int>());
        Assert.Equal(counted.Count(a => a.Sampled is not null), totals["Sampled"].GetValue<int>());
        Assert.Equal(1, totals["Verified"].GetValue<int>());
        Assert.Equal(1m, totals["Verifier agreement"].GetValue<decimal>());
        Assert.Equal("0.0%", totals["Pass-mark rate"].Style.NumberFormat.Format);
    }

    [Fact]
    public async Task A_verifier_requests_an_export_on_the_page_and_downloads_it_and_its_CSV_and_each_step_is_audited()
    {
        var built = await AttemptsAsync();
        using var client = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using (var signedIn = await client.SignInAsStaffAsync(built.Verifier.SignInName, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var page = $"/verify/centres/{built.Sitting.Centre.Id}/exports";
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, built.Sitting.Centre.Zone).DateTime);
        using (var refused = await client.PostFormAsync(page, page, [new("unit", ""), new("from", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), new("to", today.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("The last day comes before the first.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var requested = await client.PostFormAsync(page, page,
                   [new("unit", ""), new("from", today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), new("to", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))]))
        {
            Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        }

        MarksExport export;
        await using (var session = _store.QuerySession())
        {
            export = await session.Query<MarksExport>().SingleAsync(e => e.CentreId == built.Sitting.Centre.Id);
            Assert.Null(export.UnitCode);
            Assert.Equal(built.Verifier.SignInName, export.RequestedBy);
            Assert.Equal(ExportStatus.Requested, export.Status);
        }

        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ExportMarksJob>().RunAsync(export.Id, CancellationToken.None);
        }

        var listed = await client.GetPageAsync(page);
        Assert.Contains($"/verify/centres/{built.Sitting.Centre.Id}/exports/{export.Id}?format=csv", listed, StringComparison.Ordinal);

        using var xlsx = await client.Http.GetAsync(new Uri($"{page}/{export.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var workbook = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var marks = workbook.Worksheet("Marks");

        using var csvResponse = await client.Http.GetAsync(new Uri($"{page}/{export.Id}?format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var lines = (await csvResponse.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(marks.LastRowUsed().RowNumber(), lines.Length);
        var columns = marks.LastColumnUsed().ColumnNumber();
        for (var r = 1; r <= lines.Length; r++)
        {
            var fields = Csv(lines[r - 1]);
            Assert.Equal(columns, fields.Count);
            for (var c = 1; c <= columns; c++)
            {
                var cell = marks.Cell(r, c);
                var expected = cell.IsEmpty() ? ""
                    : cell.DataType == XLDataType.DateTime ? cell.GetDateTime().ToString(cell.Style.NumberFormat.Format == "yyyy-mm-dd" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
                    : cell.Style.NumberFormat.Format == "0.0%" ? (cell.GetValue<decimal>() * 100).ToString("0.0", CultureInfo.InvariantCulture)
                    : cell.GetString() is { Length: > 0 } text && text[0] is '=' or '+' or '-' or '@' ? "'" + text
                    : cell.GetString();
                Assert.True(expected == fields[c - 1], $"row {r}, column {c} ({marks.Cell(1, c).GetString()}): the sheet has '{expected}', the CSV '{fields[c - 1]}'");
            }
        }

        Assert.Contains(lines, line => line.Contains($"\"'{FormulaName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", StringComparison.Ordinal));

        using (var elsewhere = await client.Http.GetAsync(new Uri($"{page}/{Guid.NewGuid()}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        }

        await using (var session = _store.QuerySession())
        {
            var audited = await session.Query<AuditEntry>().Where(e => e.SubjectId == export.Id).OrderBy(e => e.At).ToListAsync();
            Assert.Equal(["ExportRequested", "ExportProduced", "ExportDownloaded", "ExportDownloaded"], audited.Select(e => e.Action).ToList());
            Assert.All(audited, e => Assert.Equal([built.Sitting.Centre.Id], e.CentreIds));
            Assert.Equal(built.Verifier.SignInName, audited[^1].Actor);
        }
    }

    [Fact]
    public async Task The_nightly_job_exports_each_centres_previous_day_once()
    {
        var built = await AttemptsAsync();
        using var scope = _engine.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<ExportMarksJob>();
        Assert.True(await job.NightlyAsync(CancellationToken.None) >= 1);
        Assert.Equal(0, await job.NightlyAsync(CancellationToken.None));
        await using var session = _store.QuerySession();
        var nightly = await session.Query<MarksExport>().SingleAsync(e => e.CentreId == built.Sitting.Centre.Id && e.Nightly);
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, built.Sitting.Centre.Zone).DateTime).AddDays(-1);
        Assert.Equal((yesterday, yesterday), (nightly.From, nightly.To));
        await job.RunAsync(nightly.Id, CancellationToken.None);
        var produced = (await session.LoadAsync<MarksExport>(nightly.Id))!;
        Assert.Equal(ExportStatus.Ready, produced.Status);
        // Today's attempts are not yesterday's.
        Assert.Equal(0, produced.Counts!.Attempts);
        using var workbook = await StoredWorkbookAsync(nightly.Id);
        Assert.Equal(1, workbook.Worksheet("Marks").LastRowUsed().RowNumber());
    }

    [Fact]
    public async Task Responses_run_over_to_further_sheets_when_a_sheet_is_full()
    {
        var items = new Dictionary<string, Item>();
        var stream = new MemoryStream();
        var writer = new MarksWorkbook([], TimeZoneInfo.Utc, responsesPerSheet: 10);
        var counts = await writer.WriteAsync(stream, TextWriter.Null, Generated(items, 3), (_, _) => Task.FromResult<IReadOnlyList<ExportedIncident>>([]), CancellationToken.None);
        Assert.Equal((3, 3 * 8, 3), (counts.Attempts, counts.Responses, counts.ResponseSheets));
        stream.Position = 0;
        using var workbook = new XLWorkbook(stream);
        Assert.Equal(["Summary", "Marks", "Responses", "Responses 2", "Responses 3", "Evidence", "Incidents", "Items"], workbook.Worksheets.Select(w => w.Name).ToList());
        Assert.Equal([11, 11, 5], workbook.Worksheets.Where(w => w.Name.StartsWith("Responses", StringComparison.Ordinal)).Select(w => w.LastRowUsed().RowNumber()).ToList());
    }

    private static async IAsyncEnumerable<ExportedAttempt> Generated(Dictionary<string, Item> items, int count)
    {
        var bank = ItemBankLoader.Load([Path.Combine(ItemBank.BankFolder.RepositoryRoot, "itembank", "fe6v35")], ItemBank.BankFolder.RepositoryRoot).Units[0];
        var chosen = bank.Items.Where(i => i.Type == ItemType.Single).Take(8).ToList();
        foreach (var item in chosen)
        {
            items[item.Id] = item;
        }

        for (var n = 0; n < count; n++)
        {
            await Task.Yield();
            var form = new AssessmentEngine.ItemBank.Sampling.Form("t", n, chosen.Select(i => new AssessmentEngine.ItemBank.Sampling.FormItem(i.Id, i.ContentHash, 1, i.Options.Select(o => o.Key).ToList(), [])).ToList(), [], [], []);
            var attempt = new Attempt(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), bank.Code, "t", 1, AttemptStatus.Submitted, DateTimeOffset.UtcNow)
            {
                Form = form,
                SubmittedAt = DateTimeOffset.UtcNow,
                AutoMarks = chosen.ToDictionary(i => i.Id, _ => 1m),
            };
            var candidate = new Candidate(attempt.CandidateId, attempt.CentreId, $"N{n}", "A", "B", default, Adjustments.None, Guid.Empty);
            yield return new ExportedAttempt(attempt, candidate, "1", DateTimeOffset.UtcNow, items, chosen.ToDictionary(i => i.Id, _ => 1), null, null);
        }
    }

    /// <summary>The fields of one CSV line whose every field is quoted.</summary>
    private static List<string> Csv(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            Assert.Equal('"', line[i]);
            var field = new System.Text.StringBuilder();
            for (i++; ; i++)
            {
                if (line[i] == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (line[i] == '"')
                {
                    i++;
                    break;
                }
                else
                {
                    field.Append(line[i]);
                }
            }

            fields.Add(field.ToString());
            i++; // the comma
        }

        return fields;
    }
}
