using AssessmentEngine.ItemBank.Invigilation;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// When a candidate's page was last heard from (heartbeats are not events: this is the state they imply). Its focus and
/// live connection, which are events, are in <see cref="CandidatePresence"/>.
/// </summary>
public sealed record Presence(Guid Id, Guid SittingId, DateTimeOffset LastSeenAt);

/// <summary>One candidate on the invigilator's grid.</summary>
public sealed record DashboardRow(
    Guid CandidateId, Guid? AttemptId, string CandidateNumber, string Name, string Adjustments, int ExtraTimePercent, string State,
    int Answered, int Flagged, int Questions, DateTimeOffset? Deadline, int? RemainingSeconds, DateTimeOffset? PausedAt, int ExtendedMinutes,
    bool Connected, DateTimeOffset? LastSeenAt, bool Focused, int FocusLost, DateTimeOffset? LastFocusLostAt, string? Note);

public sealed record DashboardRules(int HeartbeatSeconds, int DisconnectedAfterSeconds, string FocusLoss, int PauseReminderMinutes, int MessageMaxLength);

/// <summary>Everything an invigilator's screen shows, as of <see cref="ServerNow"/>: a reconnecting dashboard starts from this.</summary>
public sealed record Dashboard(
    Guid SittingId, string UnitCode, string Room, DateTimeOffset StartsAt, int DurationMinutes, string? AccessCode, bool Ended,
    DateTimeOffset ServerNow, DashboardRules Rules, IReadOnlyList<IncidentCode> IncidentCodes, IReadOnlyList<DashboardRow> Rows);

public static class SittingDashboard
{
    public static string StateOf(Attempt? attempt) => attempt switch
    {
        null => "not-arrived",
        { Status: AttemptStatus.Waiting } => "waiting",
        { Status: AttemptStatus.Admitted } => "admitted",
        { Status: AttemptStatus.InProgress, PausedAt: not null } => "paused",
        { Status: AttemptStatus.InProgress } => "in-progress",
        { Status: AttemptStatus.Submitted } => "submitted",
        { Status: AttemptStatus.Voided } => "voided",
        _ => "refused",
    };

    public static DashboardRow Row(Candidate candidate, Attempt? attempt, Presence? presence, CandidatePresence? page, DateTimeOffset now) => new(
        candidate.Id, attempt?.Id, candidate.CandidateNumber, candidate.Name, candidate.Adjustments.Describe(), candidate.Adjustments.ExtraTimePercent,
        StateOf(attempt),
        attempt?.Answers.Count(a => !a.Value.Response.IsEmpty) ?? 0,
        attempt?.Flags.Count(f => f.Value.Flagged) ?? 0,
        attempt?.Form?.Items.Count ?? 0,
        attempt?.Deadline,
        attempt?.RemainingAt(now) is { } left ? (int)Math.Ceiling(left.TotalSeconds) : null,
        attempt?.PausedAt,
        (int)(attempt?.Extended.TotalMinutes ?? 0),
        page?.Connected ?? false,
        presence?.LastSeenAt,
        page?.Focused ?? true,
        page?.FocusLostCount ?? 0,
        page?.LastFocusLostAt,
        attempt?.VoidReason ?? attempt?.RefusalReason ?? attempt?.SubmissionReason);

    public static async Task<Dashboard> LoadAsync(IQuerySession session, Sitting sitting, InvigilationPlaybook playbook, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = await session.LoadManyAsync<Candidate>(cancellationToken, sitting.Bookings.Select(b => b.CandidateId).ToArray());
        var attemptIds = candidates.Select(c => CheckIn.IdFor(sitting.Id, c.Id)).ToArray();
        var attempts = (await session.LoadManyAsync<Attempt>(cancellationToken, attemptIds)).ToDictionary(a => a.CandidateId);
        var presence = (await session.LoadManyAsync<Presence>(cancellationToken, attemptIds)).ToDictionary(p => p.Id);
        var pages = (await session.LoadManyAsync<CandidatePresence>(cancellationToken, attemptIds)).ToDictionary(p => p.Id);
        var rows = candidates.OrderBy(c => c.CandidateNumber, StringComparer.Ordinal)
            .Select(c => Row(c, attempts.GetValueOrDefault(c.Id), presence.GetValueOrDefault(CheckIn.IdFor(sitting.Id, c.Id)),
                pages.GetValueOrDefault(CheckIn.IdFor(sitting.Id, c.Id)), now))
            .ToList();
        var rules = playbook.Rules;
        return new Dashboard(sitting.Id, sitting.UnitCode, sitting.Room, sitting.StartsAt, sitting.DurationMinutes, sitting.AccessCode, sitting.Ended, now,
            new DashboardRules(rules.HeartbeatSeconds, rules.DisconnectedAfterSeconds, rules.FocusLoss.ToString().ToLowerInvariant(), rules.PauseReminderMinutes, rules.MessageMaxLength),
            playbook.IncidentCodes, rows);
    }
}
