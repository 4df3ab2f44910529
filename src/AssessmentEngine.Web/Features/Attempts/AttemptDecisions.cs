using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.Marking;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>One change the page sends: an answer (<paramref name="Response"/>) or a flag (<paramref name="Flagged"/>) for an item.</summary>
public sealed record Change(long Sequence, string ItemId, Response? Response, bool? Flagged);

/// <summary>What a save decided: the events to append, the sequences acknowledged, and those refused with the reason.</summary>
public sealed record SaveOutcome(IReadOnlyList<object> Events, IReadOnlyList<long> Acknowledged, IReadOnlyList<(long Sequence, string Reason)> Refused);

/// <summary>The decisions on an attempt: pure functions from its state, a command and the time to the events that follow.</summary>
public static class AttemptDecisions
{
    /// <summary>Saves from a test page that another page (a reload, another tab, another computer) has since replaced.</summary>
    public static RefusedException PageSuperseded() => new(RefusalKind.Superseded,
        "This test has been opened in another tab or on another computer. Carry on there; this page no longer saves.");

    public static IEnumerable<object> Admit(Attempt attempt, Form form, string salt, bool identityChecked, string actor, DateTimeOffset now)
    {
        AttemptLifecycle.Require(attempt, AttemptCommand.Admit);
        if (attempt.Status is AttemptStatus.Admitted or AttemptStatus.InProgress or AttemptStatus.Submitted)
        {
            yield break; // admitted already: admitting twice changes nothing
        }

        if (!identityChecked)
        {
            throw new RefusedException(RefusalKind.Invalid, "Check the candidate's identity before admitting them.");
        }

        yield return new CandidateAdmitted(attempt.Id, form, salt, true, actor, now);
    }

    public static IEnumerable<object> RefuseAdmission(Attempt attempt, string? reason, string actor, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the reason for refusing admission.");
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.RefuseAdmission);
        if (attempt.Status is not (AttemptStatus.Waiting or AttemptStatus.Admitted))
        {
            throw new RefusedException(RefusalKind.Conflict, attempt.Status == AttemptStatus.Refused
                ? "This candidate has already been refused admission."
                : "This candidate has already started; void the attempt instead.");
        }

        yield return new AdmissionRefused(attempt.Id, reason.Trim(), actor, now);
    }

    /// <summary>The candidate starts the clock. Starting twice changes nothing; the window must be open.</summary>
    public static IEnumerable<object> Start(Attempt attempt, int durationMinutes, int extraTimePercent, TimeLimit limit, int passPercent, string actor, DateTimeOffset now)
    {
        AttemptLifecycle.Require(attempt, AttemptCommand.Start);
        if (attempt.Status == AttemptStatus.InProgress)
        {
            yield break;
        }

        var allowed = TimeSpan.FromMinutes(durationMinutes * (1 + extraTimePercent / 100.0));
        yield return new AttemptStarted(attempt.Id, attempt.Form!, durationMinutes, extraTimePercent, allowed, limit, passPercent, actor, now);
    }

    /// <summary>A test page opens the attempt under way and from now on is the one that saves; otherwise nothing.</summary>
    public static IEnumerable<object> Open(Attempt attempt, string page, string actor, DateTimeOffset now) =>
        attempt.InProgress ? [new AttemptOpened(attempt.Id, page, actor, now)] : [];

    /// <summary>
    /// Saves answers and flags. A sequence number already taken is acknowledged again and not written; a later sequence
    /// for an item supersedes an earlier one whatever the order of arrival. After submission, or after a hard deadline,
    /// saves are refused (and the refusal recorded once).
    /// </summary>
    public static SaveOutcome Save(Attempt attempt, string page, IReadOnlyList<Change> changes, DateTimeOffset now)
    {
        if (attempt.Page != page && attempt.InProgress)
        {
            throw PageSuperseded();
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.Save);

        var onForm = attempt.Form!.Items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var events = new List<object>();
        var acknowledged = new List<long>();
        var refused = new List<(long, string)>();
        var inBatch = new HashSet<long>();
        var late = LateReason(attempt, now);
        foreach (var change in changes)
        {
            if (!onForm.Contains(change.ItemId))
            {
                throw new RefusedException(RefusalKind.Invalid, "That question is not on your test.");
            }

            if (attempt.HasTaken(change.Sequence) || !inBatch.Add(change.Sequence))
            {
                acknowledged.Add(change.Sequence);
                continue;
            }

            if (late is not null)
            {
                events.Add(new AnswerRefused(attempt.Id, change.ItemId, change.Sequence, late, now));
                refused.Add((change.Sequence, late));
                continue;
            }

            events.Add(change.Flagged is { } flagged
                ? new ItemFlagged(attempt.Id, change.ItemId, flagged, change.Sequence, now)
                : new AnswerSaved(attempt.Id, change.ItemId, change.Response ?? Response.Empty, change.Sequence, now));
            acknowledged.Add(change.Sequence);
        }

        Bound(attempt, events, now);
        return new SaveOutcome(events, acknowledged, refused);
    }

    /// <summary>Refuses the whole save, writing nothing, when it would pass the attempt's limits (<see cref="AnswerLimits"/>).</summary>
    private static void Bound(Attempt attempt, List<object> events, DateTimeOffset now)
    {
        var writes = events.Count(e => e is AnswerSaved or ItemFlagged);
        if (writes > 0 && attempt.ChangesWrittenInMinuteOf(now) + writes > AnswerLimits.ChangesPerMinute)
        {
            throw new RefusedException(RefusalKind.TooMany,
                $"More than {AnswerLimits.ChangesPerMinute} changes a minute: they are kept on this computer and sent in a moment.");
        }

        var text = events.OfType<AnswerSaved>().Sum(e => (long)(e.Response.Text?.Length ?? 0));
        if (attempt.StoredText + text > AnswerLimits.StoredTextCharacters)
        {
            throw new RefusedException(RefusalKind.TooLarge,
                $"This attempt has saved its limit of {AnswerLimits.StoredTextCharacters:N0} characters of answers over the test; tell the invigilator.");
        }
    }

    private static string? LateReason(Attempt attempt, DateTimeOffset now) => attempt switch
    {
        { Status: AttemptStatus.Voided } => $"This attempt was voided: {attempt.VoidReason}",
        { Status: AttemptStatus.Submitted, SubmissionReason: SubmissionReasons.TimeUp } => "Time was up, so this answer was not saved.",
        { Status: AttemptStatus.Submitted } => "The test had been submitted, so this answer was not saved.",
        { TimeLimit: TimeLimit.Hard, Deadline: { } deadline } when now >= deadline => "Time was up, so this answer was not saved.",
        _ => null,
    };

    /// <summary>
    /// Hands the attempt in and marks its objective items. Submitting one already submitted changes nothing, whoever
    /// asks, so the candidate, the time-up job and the window's close can all try at once and it is submitted once.
    /// </summary>
    public static IEnumerable<object> Submit(Attempt attempt, string reason, string actor, DateTimeOffset now, IReadOnlyDictionary<string, Item> items)
    {
        if (!attempt.InProgress)
        {
            yield break;
        }

        yield return new AttemptSubmitted(attempt.Id, reason, Receipt.Hash(attempt), actor, now);
        decimal auto = 0;
        var autoAvailable = 0;
        var awaiting = 0;
        foreach (var formItem in attempt.Form!.Items)
        {
            var item = items[formItem.ItemId];
            if (AutoMarking.Mark(item, attempt.Answers.TryGetValue(item.Id, out var answer) ? answer.Response : null) is { } marks)
            {
                yield return new ItemAutoMarked(attempt.Id, item.Id, marks, item.Marks, now);
                auto += marks;
                autoAvailable += item.Marks;
            }
            else
            {
                awaiting += item.Marks;
            }
        }

        var total = autoAvailable + awaiting;
        var meets = total > 0 && auto * 100 >= attempt.PassPercent * (decimal)total;
        yield return new ProvisionalResultRecorded(attempt.Id, auto, autoAvailable, awaiting, attempt.PassPercent, meets, now);
    }

    /// <summary>
    /// The candidate hands the attempt in. With no time left on a hard limit the time was up before the click: that is
    /// the engine's submission, not the candidate's. The time left, not the deadline: while paused the deadline has not
    /// yet moved on by the pause.
    /// </summary>
    public static IEnumerable<object> HandIn(Attempt attempt, string actor, DateTimeOffset now, IReadOnlyDictionary<string, Item> items) =>
        attempt.TimeLimit == TimeLimit.Hard && attempt.RemainingAt(now) == TimeSpan.Zero
            ? Submit(attempt, SubmissionReasons.TimeUp, EngineActor.Name, now, items)
            : Submit(attempt, SubmissionReasons.Candidate, actor, now, items);

    /// <summary>
    /// At the deadline: a hard limit submits the attempt; a soft one logs the overrun once and lets the candidate finish.
    /// Nothing before the deadline (it may have moved since the job was scheduled) or once submitted.
    /// </summary>
    public static IEnumerable<object> TimeUp(Attempt attempt, DateTimeOffset now, IReadOnlyDictionary<string, Item> items)
    {
        if (!attempt.InProgress || attempt.PausedAt is not null || attempt.Deadline is not { } deadline || now < deadline)
        {
            return [];
        }

        if (attempt.TimeLimit == TimeLimit.Hard)
        {
            return Submit(attempt, SubmissionReasons.TimeUp, EngineActor.Name, now, items);
        }

        return attempt.OverrunLogged ? [] : [new TimeOverrunLogged(attempt.Id, deadline, now)];
    }
}
