using System.Net;
using System.Text.RegularExpressions;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>
/// One attempt with what its rows need: the candidate, the centre's number, when its sitting was, the item revisions its
/// form pinned (by item id) with their revision numbers, and the initials of who decided and verified it.
/// </summary>
public sealed record ExportedAttempt(
    Attempt Attempt, Candidate Candidate, string CentreNumber, DateTimeOffset SittingStartsAt, IReadOnlyDictionary<string, Item> Items,
    IReadOnlyDictionary<string, int> Revisions, string? AssessorName, string? VerifierInitials);

/// <summary>An incident logged in one of the exported attempts' sittings.</summary>
public sealed record ExportedIncident(
    DateTimeOffset SittingStartsAt, string UnitCode, string CentreNumber, string Room, DateTimeOffset LoggedAt, string Code, string Title, string? Note,
    string Candidates, string LoggedBy);

/// <summary>
/// A submitted version of a candidate's evidence with what its row needs: the candidate (their name withheld while the
/// version waits for judgement at a centre that marks anonymously), the brief's method and title, and the names of who
/// judged and verified it.
/// </summary>
public sealed record ExportedEvidence(
    Submission Submission, SubmittedVersion Version, Candidate Candidate, bool NameWithheld, string Method, string BriefTitle, string? AssessorName, string? VerifierInitials);

/// <summary>The units in an export: their titles and outcomes, by unit code.</summary>
public sealed record ExportedUnit(string UnitCode, string Title, IReadOnlyList<Outcome> Outcomes);

/// <summary>What a workbook holds: rows per sheet (headers not counted) and the Responses sheets it took.</summary>
public sealed record WorkbookCounts(int Attempts, int Responses, int ResponseSheets, int Incidents, int Items, int Units)
{
    /// <summary>Rows of the Evidence sheet: submitted versions of evidence.</summary>
    public int Evidence { get; init; }
}

/// <summary>
/// The moderation workbook: Summary, Marks, Responses (over as many sheets as 1,048,576 rows a sheet need), Evidence,
/// Incidents and Items, in one pass over the attempts and one over the submitted evidence, with memory flat in their number. The Marks rows also go to a CSV.
/// Times are shown in <paramref name="zone"/> (the centre's).
/// </summary>
public sealed partial class MarksWorkbook(IReadOnlyList<ExportedUnit> units, TimeZoneInfo zone, int responsesPerSheet = SheetWriter.MaxRows - 1)
{
    public const string Summary = "Summary";
    public const string Marks = "Marks";
    public const string Responses = "Responses";
    public const string Incidents = "Incidents";
    public const string Items = "Items";
    public const string Evidence = "Evidence";

    private readonly int _outcomes = units.Count == 0 ? 0 : units.Max(u => u.Outcomes.Count == 0 ? 0 : u.Outcomes.Max(o => o.Number));

    public IReadOnlyList<string> MarksHeaders =>
    [
        "Unit code", "Centre number", "Candidate number", "Candidate name", "Sitting date", "Occasion", "Status",
        .. Enumerable.Range(1, _outcomes).Select(n => $"Outcome {n}"),
        "Total", "Available", "Percentage", "Meets pass mark", "Decision", "Assessor", "Decided at",
        "Sampled on", "Sample reason", "Verifier", "Verified on", "IV outcome", "IV comment",
    ];

    public static readonly IReadOnlyList<string> SummaryHeaders =
    [
        "Unit code", "Unit title", "Candidates", "Attempts", "Voided", "Competent", "Not yet competent", "Awaiting decision",
        "Meets pass mark", "Pass-mark rate", "Sampled", "Verified", "Verifier agreement",
    ];

    public static readonly IReadOnlyList<string> ResponseHeaders =
    [
        "Unit code", "Centre number", "Candidate number", "Occasion", "Question", "Item id", "Revision", "Statements", "Type", "Response",
        "Marks", "Available", "Marker", "Second mark", "Second marker",
    ];

    public static readonly IReadOnlyList<string> EvidenceHeaders =
    [
        "Candidate number", "Candidate name", "Unit code", "Method", "Brief", "Version", "Submitted at", "Files", "Word count", "Criteria met", "Assessor", "Judged at",
        "Sampled on", "Sample reason", "Verifier", "Verified on", "IV outcome", "IV comment",
    ];

    public static readonly IReadOnlyList<string> IncidentHeaders =
        ["Sitting date", "Unit code", "Centre number", "Room", "Logged at", "Code", "Title", "Note", "Candidates", "Logged by"];

    public static readonly IReadOnlyList<string> ItemHeaders =
        ["Unit code", "Item id", "Revision", "Type", "Statements", "Available", "Exposure", "Mean mark", "Facility", "Discrimination"];

    /// <summary>
    /// Writes the workbook to <paramref name="xlsx"/> and the Marks rows to <paramref name="marksCsv"/>. Incidents are asked
    /// for once the attempts are read, for the sittings they came from. No evidence: its sheet has headers only.
    /// </summary>
    public Task<WorkbookCounts> WriteAsync(
        Stream xlsx, TextWriter marksCsv, IAsyncEnumerable<ExportedAttempt> attempts,
        Func<IReadOnlyCollection<Guid>, CancellationToken, Task<IReadOnlyList<ExportedIncident>>> incidents, CancellationToken cancellationToken) =>
        WriteAsync(xlsx, marksCsv, attempts, null, incidents, cancellationToken);

    /// <summary>As the other overload, with an Evidence sheet of the submitted versions of <paramref name="evidence"/>, read after the attempts.</summary>
    public async Task<WorkbookCounts> WriteAsync(
        Stream xlsx, TextWriter marksCsv, IAsyncEnumerable<ExportedAttempt> attempts, IAsyncEnumerable<ExportedEvidence>? evidence,
        Func<IReadOnlyCollection<Guid>, CancellationToken, Task<IReadOnlyList<ExportedIncident>>> incidents, CancellationToken cancellationToken)
    {
        var unitsByCode = units.ToDictionary(u => u.UnitCode, StringComparer.Ordinal);
        var summaries = new Dictionary<string, UnitTally>(StringComparer.Ordinal);
        var itemTallies = new Dictionary<(string ItemId, int Revision), ItemRow>();
        var sittings = new HashSet<Guid>();
        var marksPath = Path.GetTempFileName();
        try
        {
            using var workbook = new StreamedWorkbook(xlsx);
            var attemptCount = 0;
            var responseCount = 0;
            var responseSheets = new List<string>();
            var marksFile = new FileStream(marksPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            using (var marksSheet = new SheetWriter(marksFile, Widths(MarksHeaders, MarksWidth), leaveOpen: true))
            {
                using var csv = new CsvRows(marksCsv);
                csv.Header(MarksHeaders);
                var marks = new BothRows(marksSheet, csv);
                SheetWriter? responses = null;
                try
                {
                    await foreach (var exported in attempts.WithCancellation(cancellationToken))
                    {
                        var attempt = exported.Attempt;
                        var unit = unitsByCode.GetValueOrDefault(attempt.UnitCode) ?? new ExportedUnit(attempt.UnitCode, "", []);
                        var result = attempt.Form is null ? null : AttemptResult.Of(attempt, exported.Items, unit.Outcomes);
                        var voided = attempt.Status == AttemptStatus.Voided;
                        Tally(summaries, unit, exported, voided ? null : result);
                        sittings.Add(attempt.SittingId);
                        WriteMarksRow(marks, exported, voided ? null : result);
                        attemptCount++;
                        if (voided || attempt.Form is null || result is null)
                        {
                            continue;
                        }

                        for (var number = 1; number <= attempt.Form.Items.Count; number++)
                        {
                            if (responses is null || responses.Rows > responsesPerSheet)
                            {
                                responses?.Finish();
                                var name = responseSheets.Count == 0 ? Responses : $"{Responses} {responseSheets.Count + 1}";
                                responseSheets.Add(name);
                                responses = workbook.AddSheet(name, Widths(ResponseHeaders, ResponseWidth));
                            }

                            WriteResponseRow(responses, exported, number, result, itemTallies);
                            responseCount++;
                        }
                    }

                    if (responses is null)
                    {
                        responseSheets.Add(Responses);
                        responses = workbook.AddSheet(Responses, Widths(ResponseHeaders, ResponseWidth));
                    }
                }
                finally
                {
                    responses?.Finish();
                }
            }

            await marksCsv.FlushAsync(cancellationToken);
            marksFile.Dispose();
            await using (var written = File.OpenRead(marksPath))
            {
                workbook.AddSheet(Marks, written);
            }

            WriteSummary(workbook, summaries);
            var evidenceCount = await WriteEvidenceAsync(workbook, evidence, cancellationToken);
            var logged = await incidents(sittings, cancellationToken);
            WriteIncidents(workbook, logged);
            WriteItems(workbook, itemTallies);
            workbook.Finish([Summary, Marks, .. responseSheets, Evidence, Incidents, Items]);
            return new WorkbookCounts(attemptCount, responseCount, responseSheets.Count, logged.Count, itemTallies.Count, summaries.Count) { Evidence = evidenceCount };
        }
        finally
        {
            File.Delete(marksPath);
        }
    }

    private void WriteMarksRow(BothRows row, ExportedAttempt exported, AttemptResult? result)
    {
        var attempt = exported.Attempt;
        row.Text(attempt.UnitCode);
        row.Text(exported.CentreNumber);
        row.Text(exported.Candidate.CandidateNumber);
        row.Text(exported.Candidate.Name);
        row.Date(Local(exported.SittingStartsAt).Date);
        row.Number(attempt.Occasion);
        row.Text(attempt.Status == AttemptStatus.Voided ? $"voided: {attempt.VoidReason}" : attempt.Status.ToString().ToLowerInvariant());
        for (var outcome = 1; outcome <= _outcomes; outcome++)
        {
            row.Number(result?.Outcomes.FirstOrDefault(o => o.Outcome == outcome)?.Marks);
        }

        row.Number(result?.Total);
        row.Number(result?.Available);
        row.Number(result is null ? null : result.Percent / 100, CellStyle.Percent);
        row.Text(result is null ? null : result.MeetsPassMark ? "yes" : "no");
        var decision = attempt.Decision;
        row.Text(decision?.Decision is { } d ? d.Replace('-', ' ') : null);
        row.Text(exported.AssessorName ?? decision?.Assessor);
        row.Date(decision is null ? null : Local(decision.DecidedAt), CellStyle.DateTime);
        var verification = attempt.Verification;
        WriteVerification(row, attempt.Sampled?.SampledAt, attempt.Sampled?.Reason,
            verification is null ? null : (exported.VerifierInitials ?? verification.Verifier, verification.VerifiedAt, verification.Agrees, verification.Comment));
        row.EndRow();
    }

    private static void WriteResponseRow(SheetWriter row, ExportedAttempt exported, int number, AttemptResult result, Dictionary<(string, int), ItemRow> tallies)
    {
        var attempt = exported.Attempt;
        var formItem = attempt.Form!.Items[number - 1];
        var item = exported.Items[formItem.ItemId];
        var revision = exported.Revisions.GetValueOrDefault(formItem.ItemId);
        var mark = AttemptResult.MarkOf(attempt, item.Id);
        var assessor = attempt.AssessorMarks.GetValueOrDefault(item.Id);
        var second = attempt.SecondMarks.GetValueOrDefault(item.Id);
        var key = (item.Id, revision);
        if (!tallies.TryGetValue(key, out var tally))
        {
            tallies[key] = tally = new ItemRow(attempt.UnitCode, item);
        }

        row.Text(attempt.UnitCode);
        row.Text(exported.CentreNumber);
        row.Text(exported.Candidate.CandidateNumber);
        row.Number(attempt.Occasion);
        row.Number(number);
        row.Text(item.Id);
        row.Number(revision);
        row.Text(tally.Statements);
        row.Text(tally.Type);
        row.Text(attempt.Answers.TryGetValue(item.Id, out var answer) ? Show(item, answer.Response) : null);
        row.Number(mark);
        row.Number(item.Marks);
        row.Text(attempt.AutoMarks.ContainsKey(item.Id) ? EngineActor.Name : assessor?.Marker);
        row.Number(second?.Marks);
        row.Text(second?.Marker);
        row.EndRow();
        tally.Tally.Add(mark, result.Total - (mark ?? 0));
    }

    private async Task<int> WriteEvidenceAsync(StreamedWorkbook workbook, IAsyncEnumerable<ExportedEvidence>? evidence, CancellationToken cancellationToken)
    {
        using var sheet = workbook.AddSheet(Evidence, Widths(EvidenceHeaders, EvidenceWidth));
        var rows = 0;
        if (evidence is null)
        {
            return rows;
        }

        await foreach (var exported in evidence.WithCancellation(cancellationToken))
        {
            var (submission, version) = (exported.Submission, exported.Version);
            var words = version.Files.Where(f => f.Words is not null).ToList();
            sheet.Text(exported.Candidate.CandidateNumber);
            sheet.Text(exported.NameWithheld ? null : exported.Candidate.Name);
            sheet.Text(submission.UnitCode);
            sheet.Text(exported.Method);
            sheet.Text(exported.BriefTitle);
            sheet.Number(version.Number);
            sheet.Date(Local(version.SubmittedAt), CellStyle.DateTime);
            sheet.Text(string.Join(";", version.Files.Select(f => f.Name)));
            sheet.Number(words.Count == 0 ? null : words.Sum(f => f.Words!.Value));
            var judged = version.Judgement;
            sheet.Text(judged is null ? null : $"{judged.Criteria.Count(c => c.Met)} of {judged.Criteria.Count}");
            sheet.Text(judged is null ? null : exported.AssessorName ?? judged.Actor);
            sheet.Date(judged is null ? null : Local(judged.At), CellStyle.DateTime);
            var verification = version.Verification;
            WriteVerification(sheet, version.Sampled?.At, version.Sampled?.Reason,
                verification is null ? null : (exported.VerifierInitials ?? verification.Actor, verification.At, verification.Agrees, verification.Comment));
            sheet.EndRow();
            rows++;
        }

        return rows;
    }

    /// <summary>The internal verification's columns, the same on the Marks and Evidence sheets: sampled on, why, and who verified it, when, agreeing or not and why.</summary>
    private void WriteVerification(IRowSink row, DateTimeOffset? sampledAt, string? reason, (string Verifier, DateTimeOffset At, bool Agrees, string Comment)? verification)
    {
        row.Date(sampledAt is { } sampled ? Local(sampled).Date : null);
        row.Text(reason);
        row.Text(verification?.Verifier);
        row.Date(verification is { } verified ? Local(verified.At).Date : null);
        row.Text(verification is null ? null : verification.Value.Agrees ? "agrees" : "disagrees");
        row.Text(verification?.Comment);
    }

    private static void WriteSummary(StreamedWorkbook workbook, Dictionary<string, UnitTally> summaries)
    {
        using var sheet = workbook.AddSheet(Summary, Widths(SummaryHeaders, SummaryWidth));
        foreach (var tally in summaries.Values.OrderBy(t => t.Unit.UnitCode, StringComparer.Ordinal))
        {
            var counted = tally.Attempts - tally.Voided;
            sheet.Text(tally.Unit.UnitCode);
            sheet.Text(tally.Unit.Title);
            sheet.Number(tally.Candidates.Count);
            sheet.Number(tally.Attempts);
            sheet.Number(tally.Voided);
            sheet.Number(tally.Competent);
            sheet.Number(tally.NotYetCompetent);
            sheet.Number(counted - tally.Competent - tally.NotYetCompetent);
            sheet.Number(tally.MeetsPassMark);
            sheet.Number(counted == 0 ? null : Math.Round((decimal)tally.MeetsPassMark / counted, 4), CellStyle.Percent);
            sheet.Number(tally.Sampled);
            sheet.Number(tally.Verified);
            sheet.Number(tally.Verified == 0 ? null : Math.Round((decimal)tally.Agreed / tally.Verified, 4), CellStyle.Percent);
            sheet.EndRow();
        }
    }

    private void WriteIncidents(StreamedWorkbook workbook, IReadOnlyList<ExportedIncident> incidents)
    {
        using var sheet = workbook.AddSheet(Incidents, Widths(IncidentHeaders, IncidentWidth));
        foreach (var incident in incidents.OrderBy(i => i.LoggedAt))
        {
            sheet.Date(Local(incident.SittingStartsAt).Date);
            sheet.Text(incident.UnitCode);
            sheet.Text(incident.CentreNumber);
            sheet.Text(incident.Room);
            sheet.Date(Local(incident.LoggedAt), CellStyle.DateTime);
            sheet.Text(incident.Code);
            sheet.Text(incident.Title);
            sheet.Text(incident.Note);
            sheet.Text(incident.Candidates);
            sheet.Text(incident.LoggedBy);
            sheet.EndRow();
        }
    }

    private static void WriteItems(StreamedWorkbook workbook, Dictionary<(string ItemId, int Revision), ItemRow> tallies)
    {
        using var sheet = workbook.AddSheet(Items, Widths(ItemHeaders, ItemWidth));
        foreach (var ((itemId, revision), tally) in tallies.OrderBy(t => t.Value.UnitCode, StringComparer.Ordinal)
                     .ThenBy(t => t.Key.ItemId, NaturalOrder.Comparer).ThenBy(t => t.Key.Revision))
        {
            sheet.Text(tally.UnitCode);
            sheet.Text(itemId);
            sheet.Number(revision);
            sheet.Text(tally.Type);
            sheet.Text(tally.Statements);
            sheet.Number(tally.Item.Marks);
            sheet.Number(tally.Tally.Exposure);
            sheet.Number(tally.Tally.MeanMark is { } mean ? Math.Round(mean, 2) : null, CellStyle.Decimal);
            sheet.Number(tally.Tally.Facility is { } facility ? Math.Round(facility, 2) : null, CellStyle.Decimal);
            sheet.Number(tally.Tally.Discrimination is { } r ? Math.Round(r, 2) : null, CellStyle.Decimal);
            sheet.EndRow();
        }
    }

    private static void Tally(Dictionary<string, UnitTally> summaries, ExportedUnit unit, ExportedAttempt exported, AttemptResult? result)
    {
        if (!summaries.TryGetValue(unit.UnitCode, out var tally))
        {
            summaries[unit.UnitCode] = tally = new UnitTally(unit);
        }

        var attempt = exported.Attempt;
        tally.Attempts++;
        tally.Candidates.Add(attempt.CandidateId);
        if (result is null)
        {
            tally.Voided++;
            return;
        }

        tally.Competent += attempt.Decision?.Decision == Decisions.Competent ? 1 : 0;
        tally.NotYetCompetent += attempt.Decision?.Decision == Decisions.NotYetCompetent ? 1 : 0;
        tally.MeetsPassMark += result.MeetsPassMark ? 1 : 0;
        tally.Sampled += attempt.Sampled is null ? 0 : 1;
        tally.Verified += attempt.Verification is null ? 0 : 1;
        tally.Agreed += attempt.Verification?.Agrees == true ? 1 : 0;
    }

    /// <summary>A response as the candidate gave it, in the item's own words: the options chosen, the pairs matched, the text written.</summary>
    public static string Show(Item item, Response response)
    {
        string Option(string key) => item.Options.FirstOrDefault(o => o.Key == key) is { } option ? $"{key}) {Plain(option.Html)}" : key;
        string Prompt(string key) => item.Pairs.FirstOrDefault(p => p.Key == key) is { } pair ? Plain(pair.PromptHtml) : key;
        return response switch
        {
            { Choice: { } choice } => Option(choice),
            { Choices: { Count: > 0 } choices } => string.Join("; ", choices.Select(Option)),
            { Matches: { Count: > 0 } matches } => string.Join("; ", matches.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{Prompt(m.Key)} → {m.Value}")),
            { Text: { } text } => text,
            _ => "",
        };
    }

    private static string Plain(string html) => WebUtility.HtmlDecode(Tags().Replace(html, "")).Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).DateTime;

    private static List<(string, double)> Widths(IReadOnlyList<string> headers, Func<string, double> width) => headers.Select(h => (h, width(h))).ToList();

    private static double MarksWidth(string header) => header switch
    {
        "Candidate name" or "Assessor" or "Sample reason" => 28,
        "IV comment" or "Status" => 36,
        "Decided at" => 17,
        _ when header.StartsWith("Outcome", StringComparison.Ordinal) => 11,
        _ => Math.Max(12, header.Length + 3),
    };

    private static double ResponseWidth(string header) => header switch
    {
        "Response" => 60,
        "Item id" or "Marker" or "Second marker" => 22,
        "Statements" => 18,
        _ => Math.Max(10, header.Length + 3),
    };

    private static double EvidenceWidth(string header) => header switch
    {
        "Candidate name" or "Assessor" or "Sample reason" or "Brief" => 28,
        "Files" or "IV comment" => 40,
        "Submitted at" or "Judged at" => 17,
        _ => Math.Max(12, header.Length + 3),
    };

    private static double SummaryWidth(string header) => header == "Unit title" ? 40 : Math.Max(12, header.Length + 3);

    private static double IncidentWidth(string header) => header switch
    {
        "Note" or "Title" => 40,
        "Logged at" => 17,
        "Candidates" or "Logged by" => 24,
        _ => Math.Max(12, header.Length + 3),
    };

    private static double ItemWidth(string header) => header switch
    {
        "Item id" => 22,
        "Statements" => 18,
        _ => Math.Max(10, header.Length + 3),
    };

    private sealed class UnitTally(ExportedUnit unit)
    {
        public ExportedUnit Unit { get; } = unit;

        public HashSet<Guid> Candidates { get; } = [];

        public int Attempts { get; set; }

        public int Voided { get; set; }

        public int Competent { get; set; }

        public int NotYetCompetent { get; set; }

        public int MeetsPassMark { get; set; }

        public int Sampled { get; set; }

        public int Verified { get; set; }

        public int Agreed { get; set; }
    }

    /// <summary>
    /// An item revision of the export with its running statistics (shared with the tutors' page), and the text of its
    /// type and statements made once rather than on each of its response rows.
    /// </summary>
    private sealed class ItemRow(string unitCode, Item item)
    {
        public string UnitCode { get; } = unitCode;

        public Item Item { get; } = item;

        public string Type { get; } = item.Type.ToString().ToLowerInvariant();

        public string Statements { get; } = string.Join("; ", item.Statements);

        public ItemTally Tally { get; } = new(item.Marks);
    }
}
