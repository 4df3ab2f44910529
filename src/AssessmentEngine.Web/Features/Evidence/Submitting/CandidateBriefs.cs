using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Submitting;

/// <summary>
/// A brief as one candidate answers it: their enrolment on its unit, the unit, the brief and their submission's id; for a
/// supervised assignment, the candidate's latest attempt at it (its sitting's clock decides when uploads close).
/// </summary>
public sealed record BriefOnEnrolment(Candidate Candidate, Centre Centre, Enrolment Enrolment, BankUnit Unit, Brief Brief, Attempt? Sitting = null)
{
    /// <summary>A supervised assignment, done in a sitting against its clock, rather than evidence handed in over the window.</summary>
    public bool IsAssignment => Unit.Assignment(Brief.Id) is not null;

    /// <summary>The task is shown once the candidate may work on it: an assignment's when its sitting has started it.</summary>
    public bool TaskOpen => !IsAssignment || Sitting?.StartedAt is not null;

    /// <summary>When an assignment under way ends, in the centre's time.</summary>
    public string? Ends => IsAssignment && Sitting is { InProgress: true, Deadline: { } deadline } ? CentreTime.Show(deadline, Centre.Zone) : null;

    public Guid SubmissionId => Submission.IdFor(Enrolment.Id, Brief.Id);

    public BriefRevision Revision => new(Brief.Id, Brief.ContentHash, Brief.Title, Brief.Html);

    /// <summary>Refuses an upload now: the window is not agreed, not yet open, or closed and not extended; an assignment not started, paused or out of time.</summary>
    public void EnsureOpen(DateTimeOffset now)
    {
        if (ClosedReason(now) is { } reason)
        {
            throw new RefusedException(RefusalKind.Conflict, reason);
        }
    }

    /// <summary>
    /// Refuses submitting now: the window as for uploads; an assignment may be submitted once started, also after its time
    /// is up (what was uploaded in time is what can be submitted).
    /// </summary>
    public void EnsureMaySubmit(DateTimeOffset now)
    {
        if (SubmitClosedReason(now) is { } reason)
        {
            throw new RefusedException(RefusalKind.Conflict, reason);
        }
    }

    /// <summary>Why the draft cannot be submitted now, or null when it can.</summary>
    public string? SubmitClosedReason(DateTimeOffset now) => WindowClosedReason(now) ?? (TaskOpen ? null : AssignmentReason(now));

    /// <summary>Why nothing can be uploaded now, or null when it can.</summary>
    public string? ClosedReason(DateTimeOffset now) => WindowClosedReason(now) ?? (IsAssignment ? AssignmentReason(now) : null);

    private string? AssignmentReason(DateTimeOffset now) => Sitting switch
    {
        null or { StartedAt: null } =>
            $"{Brief.Title} is a supervised assignment: its brief opens when your invigilator has admitted you to its sitting and you start it.",
        { Status: AttemptStatus.Submitted or AttemptStatus.Voided } or { InProgress: true, PausedAt: null } when Sitting.RemainingAt(now) is not { } left || left <= TimeSpan.Zero =>
            $"Time is up: your assignment ended{(Sitting.Deadline is { } end ? $" at {CentreTime.Show(end, Centre.Zone)}" : "")}, so uploads are closed. What you uploaded in time is kept; submit it below.",
        { PausedAt: not null } => "Your invigilator has paused the assignment: uploads carry on when it resumes.",
        _ => null,
    };

    private string? WindowClosedReason(DateTimeOffset now) => Enrolment.IsOpenAt(now) ? null : Enrolment.Window switch
    {
        null => $"Your assessment window for {Unit.Id} has not been agreed yet, so evidence cannot be uploaded or submitted. Ask your assessor to agree a start date with you.",
        { } window when now < window.Opens => $"Your assessment window for {Unit.Id} opens {CentreTime.Show(window.Opens, Centre.Zone)}; evidence can be uploaded from then.",
        { } window => $"Your assessment window for {Unit.Id} closed {CentreTime.Show(window.Closes, Centre.Zone)}, so evidence can no longer be uploaded or submitted. If you need more time, ask your centre: an extension reopens it.",
    };
}

/// <summary>The briefs a signed-in candidate may answer: those of the units they are enrolled on. Anyone else's is "not found".</summary>
public sealed class CandidateBriefs(IQuerySession session)
{
    public async Task<Candidate> CandidateAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var userId = user.Id();
        return await session.Query<Candidate>().FirstOrDefaultAsync(c => c.UserId == userId, cancellationToken)
               ?? throw new RefusedException(RefusalKind.NotFound, "You are not registered as a candidate.");
    }

    /// <summary>Every brief of every unit the candidate is enrolled on, with the enrolment.</summary>
    public async Task<IReadOnlyList<BriefOnEnrolment>> AllAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var candidate = await CandidateAsync(user, cancellationToken);
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "Your centre is not found.");
        var enrolments = await session.Query<Enrolment>().Where(e => e.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, enrolments.Select(e => e.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        return enrolments.Where(e => units.ContainsKey(e.UnitCode))
            .SelectMany(e => (units[e.UnitCode].Briefs ?? []).Select(b => new BriefOnEnrolment(candidate, centre, e, units[e.UnitCode], b)))
            .OrderBy(b => b.Unit.Id, StringComparer.Ordinal).ThenBy(b => b.Brief.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<BriefOnEnrolment> OwnAsync(ClaimsPrincipal user, Guid enrolmentId, string? briefId, CancellationToken cancellationToken) =>
        await OwnAsync(await CandidateAsync(user, cancellationToken), enrolmentId, briefId, cancellationToken);

    /// <summary>The brief on the candidate's enrolment, for a caller that has looked the candidate up already.</summary>
    public async Task<BriefOnEnrolment> OwnAsync(Candidate candidate, Guid enrolmentId, string? briefId, CancellationToken cancellationToken)
    {
        var enrolment = await session.LoadAsync<Enrolment>(enrolmentId, cancellationToken);
        if (enrolment is null || enrolment.CandidateId != candidate.Id)
        {
            throw new RefusedException(RefusalKind.NotFound, "You are not enrolled on that unit.");
        }

        var unit = await session.LoadAsync<BankUnit>(enrolment.UnitCode, cancellationToken);
        var brief = unit?.Briefs?.FirstOrDefault(b => b.Id == briefId)
                    ?? throw new RefusedException(RefusalKind.NotFound, $"Unit {enrolment.UnitCode} has no brief called '{briefId}'.");
        var centre = await session.LoadAsync<Centre>(candidate.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "Your centre is not found.");
        var sitting = unit!.Assignment(brief.Id) is null ? null
            : (await session.Query<Attempt>().Where(a => a.CandidateId == candidate.Id && a.UnitCode == unit.Id && a.TestId == brief.Id).ToListAsync(cancellationToken))
                .OrderByDescending(a => a.StartedAt ?? DateTimeOffset.MinValue).ThenByDescending(a => a.Occasion).FirstOrDefault();
        return new BriefOnEnrolment(candidate, centre, enrolment, unit, brief, sitting);
    }
}
