using AssessmentEngine.Web.Features.Evidence.Submitting;
using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Evidence.Pages;

public sealed record BriefRow(BriefOnEnrolment Brief, Submission? Submission)
{
    public string Status => Submission?.Status switch
    {
        null => "Not started",
        SubmissionStatus.Draft => $"Draft: {Submission.Draft.Count} file(s) uploaded, not submitted",
        SubmissionStatus.AwaitingJudgement => $"Version {Submission.Latest!.Number} submitted, waiting for your assessor",
        _ => $"Version {Submission.Latest!.Number} has feedback from your assessor",
    };
}

/// <summary>
/// A unit the candidate is enrolled on and where it stands, as far as the candidate may know before a result is released:
/// not started, in progress, or waiting for their assessor (a test to mark, evidence to judge).
/// </summary>
public sealed record UnitProgress(string UnitCode, string Title, string Status, string? Window);

/// <summary>The units the candidate is enrolled on and where each stands; the briefs of those units, and where each of their submissions stands.</summary>
[Authorize(Policy = Policies.Candidate)]
public sealed class CandidateEvidenceModel(CandidateBriefs briefs, IQuerySession session) : PageModel
{
    public IReadOnlyList<BriefRow> Rows { get; private set; } = [];

    public IReadOnlyList<UnitProgress> Units { get; private set; } = [];

    public string BodyClass { get; private set; } = "";

    /// <summary>What the candidate's assessors recorded for them: observations, discussions, questioning and witness testimonies.</summary>
    public IReadOnlyList<Recording.AssessorRecord> Records { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var all = await briefs.AllAsync(User, HttpContext.RequestAborted);
        var submissions = (await session.LoadManyAsync<Submission>(HttpContext.RequestAborted, all.Select(b => b.SubmissionId).ToArray())).ToDictionary(s => s.Id);
        Rows = all.Select(b => new BriefRow(b, submissions.GetValueOrDefault(b.SubmissionId))).ToList();
        var candidate = all.Count > 0 ? all[0].Candidate : await briefs.CandidateAsync(User, HttpContext.RequestAborted);
        BodyClass = CandidateLook.BodyClass(candidate);
        Records = await session.Query<Recording.AssessorRecord>().Where(r => r.CandidateId == candidate.Id).OrderByDescending(r => r.On).ToListAsync(HttpContext.RequestAborted);
        Units = await UnitsAsync(candidate);
    }

    private async Task<IReadOnlyList<UnitProgress>> UnitsAsync(Candidate candidate)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var enrolments = await session.Query<Enrolments.Enrolment>().Where(e => e.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var units = (await session.LoadManyAsync<ItemBank.BankUnit>(cancellationToken, enrolments.Select(e => e.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        var attempts = await session.Query<Attempts.Attempt>().Where(a => a.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var submissions = await session.Query<Submission>().Where(s => s.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken);
        return enrolments.OrderBy(e => e.UnitCode, StringComparer.Ordinal).Select(e =>
        {
            var theirs = attempts.Where(a => a.EnrolmentId == e.Id).ToList();
            var evidence = submissions.Where(s => s.EnrolmentId == e.Id).ToList();
            var waiting = evidence.Any(s => s.Status == SubmissionStatus.AwaitingJudgement)
                          || theirs.Any(a => a.Status == Attempts.AttemptStatus.Submitted && a.Decision is null);
            var started = theirs.Any(a => a.StartedAt is not null) || evidence.Count > 0 || Records.Any(r => r.EnrolmentId == e.Id);
            var status = waiting ? "Waiting for your assessor" : started ? "In progress" : "Not started";
            var window = e.Window is { } w && centre is not null ? $"closes {Enrolments.CentreTime.Show(w.Closes, centre.Zone)}"
                : e.WindowWeeks is not null ? "not agreed yet" : null;
            return new UnitProgress(e.UnitCode, units.GetValueOrDefault(e.UnitCode)?.Title ?? "", status, window);
        }).ToList();
    }
}
