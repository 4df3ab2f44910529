using System.Globalization;
using System.Text;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using CsvHelper;
using CsvHelper.Configuration;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>One line of a sitting's record: when, about whom, what happened, and who did it.</summary>
public sealed record LogLine(DateTimeOffset At, string Candidate, string What, string Actor);

/// <summary>
/// The sitting's record of the circumstances of assessment: every event of the sitting and of each candidate's attempt,
/// in order, on screen and as a CSV download (?format=csv). Answers are listed as saves, not their content.
/// </summary>
[Authorize(Policy = Policies.Invigilator)]
public sealed class SittingLogModel(IQuerySession session) : PageModel
{
    public Sitting Sitting { get; private set; } = null!;

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public IReadOnlyList<LogLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid sittingId, string? format)
    {
        var sitting = await session.LoadAsync<Sitting>(sittingId, HttpContext.RequestAborted);
        if (sitting is null || !sitting.InvigilatorIds.Contains(User.Id()))
        {
            return NotFound();
        }

        Sitting = sitting;
        Zone = (await session.LoadAsync<Centre>(sitting.CentreId, HttpContext.RequestAborted))?.Zone ?? TimeZoneInfo.Utc;
        Lines = await LinesAsync(session, sitting, HttpContext.RequestAborted);
        if (format != "csv")
        {
            return Page();
        }

        return File(Csv(Lines, Zone), "text/csv",
            $"sitting-{sitting.UnitCode.Replace(' ', '-')}-{TimeZoneInfo.ConvertTime(sitting.StartsAt, Zone):yyyyMMdd-HHmm}-log.csv");
    }

    /// <summary>The lines as UTF-8 CSV with a byte order mark: every value quoted, and one a spreadsheet would run as a formula neutralised.</summary>
    private static byte[] Csv(IReadOnlyList<LogLine> lines, TimeZoneInfo zone)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var options = new CsvConfiguration(CultureInfo.InvariantCulture) { ShouldQuote = _ => true, InjectionOptions = InjectionOptions.Escape };
        using (var csv = new CsvWriter(text, options, leaveOpen: true))
        {
            csv.WriteField("time");
            csv.WriteField("candidate");
            csv.WriteField("event");
            csv.WriteField("by");
            csv.NextRecord();
            foreach (var line in lines)
            {
                csv.WriteField(TimeZoneInfo.ConvertTime(line.At, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                csv.WriteField(line.Candidate);
                csv.WriteField(line.What);
                csv.WriteField(line.Actor);
                csv.NextRecord();
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static async Task<IReadOnlyList<LogLine>> LinesAsync(IQuerySession session, Sitting sitting, CancellationToken cancellationToken)
    {
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, sitting.Bookings.Select(b => b.CandidateId).ToArray())).ToDictionary(c => c.Id);
        string Number(Guid id) => candidates.TryGetValue(id, out var c) ? c.CandidateNumber : "";
        string Numbers(IReadOnlyList<Guid> ids) => ids.Count == 0 ? "whole room" : string.Join(" ", ids.Select(Number));
        var lines = new List<LogLine>();
        foreach (var e in await session.Events.FetchStreamAsync(sitting.Id, token: cancellationToken))
        {
            lines.Add(e.Data switch
            {
                SittingScheduled s => new LogLine(e.Timestamp, "", $"Sitting scheduled: {s.UnitCode}, {s.Room}, {s.DurationMinutes} minutes", s.Actor),
                CandidateBooked b => new LogLine(e.Timestamp, Number(b.CandidateId), "Booked", b.Actor),
                AccessCodeIssued a => new LogLine(e.Timestamp, "", "Access code issued", a.Actor),
                MessageSent m => new LogLine(e.Timestamp, Numbers(m.CandidateIds), $"Message: {m.Text}", m.Actor),
                CandidateSignInCodeReissued r => new LogLine(e.Timestamp, r.CandidateNumber, "New sign-in code issued (the old one no longer works)", r.Actor),
                IncidentLogged i => new LogLine(e.Timestamp, Numbers(i.CandidateIds), $"Incident {i.Code} ({i.Title}){(i.Note is null ? "" : ": " + i.Note)}", i.Actor),
                SittingEnded x => new LogLine(e.Timestamp, "", "Sitting ended", x.Actor),
                _ => new LogLine(e.Timestamp, "", e.EventTypeName, ""),
            });
        }

        foreach (var candidate in candidates.Values)
        {
            var attemptId = CheckIn.IdFor(sitting.Id, candidate.Id);
            // The attempt's own stream, and its presence stream (focus and connection; older attempts hold those in their own).
            var events = (await session.Events.FetchStreamAsync(attemptId, token: cancellationToken))
                .Concat(await session.Events.FetchStreamAsync(CandidatePresence.StreamFor(attemptId), token: cancellationToken));
            foreach (var e in events)
            {
                var who = candidate.CandidateNumber;
                lines.Add(e.Data switch
                {
                    CandidateCheckedIn c => new LogLine(e.Timestamp, who, "Checked in", c.Actor),
                    CandidateAdmitted a => new LogLine(e.Timestamp, who, "Admitted after an identity check", a.Actor),
                    AdmissionRefused r => new LogLine(e.Timestamp, who, $"Refused admission: {r.Reason}", r.Actor),
                    AttemptStarted s => new LogLine(e.Timestamp, who, $"Started ({s.Allowed.TotalMinutes:0} minutes{(s.ExtraTimePercent > 0 ? $", {s.ExtraTimePercent} % extra time" : "")})", s.Actor),
                    AttemptOpened => new LogLine(e.Timestamp, who, "Test page opened", ""),
                    AnswerSaved a => new LogLine(e.Timestamp, who, $"Answer saved (save {a.Sequence})", ""),
                    ItemFlagged f => new LogLine(e.Timestamp, who, f.Flagged ? "Question flagged for review" : "Flag removed", ""),
                    AnswerRefused r => new LogLine(e.Timestamp, who, $"Save refused: {r.Reason}", ""),
                    AttemptPaused p => new LogLine(e.Timestamp, who, $"Paused{(p.Reason is null ? "" : ": " + p.Reason)}", p.Actor),
                    AttemptResumed r => new LogLine(e.Timestamp, who, $"Resumed after {r.Paused.TotalMinutes:0.#} minutes", r.Actor),
                    TimeExtended t => new LogLine(e.Timestamp, who, $"Time extended by {t.Minutes} minutes: {t.Reason}", t.Actor),
                    AttemptVoided v => new LogLine(e.Timestamp, who, $"Attempt voided: {v.Reason}", v.Actor),
                    FocusLost => new LogLine(e.Timestamp, who, "Left the test page", ""),
                    FocusRegained => new LogLine(e.Timestamp, who, "Back on the test page", ""),
                    CandidateConnected c => new LogLine(e.Timestamp, who, $"Connected ({c.Node})", ""),
                    CandidateDisconnected d => new LogLine(e.Timestamp, who, $"Connection lost ({d.Node})", ""),
                    AttemptSubmitted s => new LogLine(e.Timestamp, who, $"Submitted ({s.Reason}), receipt {s.ResponsesHash}", s.Actor),
                    TimeOverrunLogged o => new LogLine(e.Timestamp, who, "Soft time limit passed; candidate carried on", ""),
                    ItemAutoMarked or ProvisionalResultRecorded => null!,
                    _ => new LogLine(e.Timestamp, who, e.EventTypeName, ""),
                });
            }
        }

        return lines.Where(l => l is not null).OrderBy(l => l.At).ToList();
    }
}
