using System.Diagnostics.CodeAnalysis;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>An invigilator's decisions on one attempt or on the sitting: pure functions from its state, the command and the time to the events that follow.</summary>
public static class InvigilationDecisions
{
    /// <summary>A message to the named candidates (none named: the room); checked for length before.</summary>
    public static IEnumerable<object> Message(Sitting sitting, IReadOnlyList<Guid> to, string text, string actor, DateTimeOffset now) =>
        [new MessageSent(sitting.Id, to, text, actor, now)];

    public static IEnumerable<object> Incident(Sitting sitting, AssessmentEngine.ItemBank.Invigilation.IncidentCode incident, string? note, IReadOnlyList<Guid> candidates, string actor, DateTimeOffset now) =>
        [new IncidentLogged(sitting.Id, incident.Code, incident.Title, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), candidates, actor, now)];

    public static IEnumerable<object> NewAccessCode(Sitting sitting, string code, string actor, DateTimeOffset now) =>
        [new AccessCodeIssued(sitting.Id, code, actor, now)];

    /// <summary>Ends the sitting once: ending an ended sitting writes nothing (the attempts left under way are still submitted).</summary>
    public static IEnumerable<object> End(Sitting sitting, string actor, DateTimeOffset now) =>
        sitting.Ended ? [] : [new SittingEnded(sitting.Id, actor, now)];

    public static IEnumerable<object> Pause(Attempt attempt, string? reason, string actor, DateTimeOffset now)
    {
        if (!attempt.InProgress)
        {
            throw new RefusedException(RefusalKind.Conflict, "Only a test under way can be paused.");
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.Pause);

        return attempt.PausedAt is null ? [new AttemptPaused(attempt.Id, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), actor, now)] : [];
    }

    /// <summary>Resumes a paused test; resuming one under way that is not paused changes nothing.</summary>
    public static IEnumerable<object> Resume(Attempt attempt, string actor, DateTimeOffset now)
    {
        if (!attempt.InProgress)
        {
            throw new RefusedException(RefusalKind.Conflict, "Only a test under way can be resumed.");
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.Resume);

        return attempt.PausedAt is { } pausedAt ? [new AttemptResumed(attempt.Id, now - pausedAt, actor, now)] : [];
    }

    /// <summary>Extra time is 1 to 600 minutes and has a reason: checked before any attempt is looked at, so a room with none under way refuses it too.</summary>
    public static void RequireExtension(int minutes, [NotNull] string? reason)
    {
        if (minutes is < 1 or > 600)
        {
            throw new RefusedException(RefusalKind.Invalid, "Extend by 1 to 600 minutes.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the reason for the extra time.");
        }
    }

    /// <summary>A void has a reason (the candidate sees it).</summary>
    public static void RequireVoidReason([NotNull] string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the reason for voiding the attempt: the candidate sees it.");
        }
    }

    public static IEnumerable<object> ExtendTime(Attempt attempt, int minutes, string? reason, string actor, DateTimeOffset now)
    {
        RequireExtension(minutes, reason);
        if (!attempt.InProgress)
        {
            throw new RefusedException(RefusalKind.Conflict, "Only a test under way can be given more time.");
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.Extend);

        yield return new TimeExtended(attempt.Id, minutes, reason.Trim(), actor, now);
    }

    public static IEnumerable<object> Void(Attempt attempt, string? reason, string actor, DateTimeOffset now)
    {
        RequireVoidReason(reason);
        if (attempt.Status is not (AttemptStatus.InProgress or AttemptStatus.Submitted or AttemptStatus.Admitted))
        {
            throw new RefusedException(RefusalKind.Conflict, attempt.Status == AttemptStatus.Voided ? "This attempt is already voided." : "There is no attempt under way to void.");
        }

        AttemptLifecycle.Require(attempt, AttemptCommand.Void);

        yield return new AttemptVoided(attempt.Id, reason.Trim(), actor, now);
    }

    /// <summary>
    /// A fresh one-time sign-in code for a candidate booked on the sitting: the account with the new code's hash (the old
    /// code no longer matches) and the fact for the sitting's record and the audit. Only a candidate's own account, nothing
    /// more: a code from the room must never open an account that also holds staff roles or another centre's membership.
    /// </summary>
    public static (UserAccount Account, CandidateSignInCodeReissued Issued) NewSignInCode(
        Sitting sitting, Candidate? candidate, UserAccount? account, int issuedInTheLastMinute, string code, string actor, string sourceAddress, DateTimeOffset now)
    {
        if (candidate is null || account is null || candidate.CentreId != sitting.CentreId || account.Id != candidate.UserId
            || !sitting.Bookings.Any(b => b.CandidateId == candidate.Id))
        {
            throw new RefusedException(RefusalKind.Invalid, "That candidate is not booked on this sitting.");
        }

        if (sitting.Ended)
        {
            throw new RefusedException(RefusalKind.Conflict, "This sitting has ended: the exam officer can give the candidate a new sign-in code.");
        }

        if (account.Operator || account.Memberships.Any(m => m.CentreId != sitting.CentreId || m.Roles.Any(r => r != Role.Candidate)))
        {
            throw new RefusedException(RefusalKind.Forbidden, $"{candidate.CandidateNumber}'s account holds more than a candidate's access, so only the exam officer can give it a new code.");
        }

        if (issuedInTheLastMinute >= IssueSignInCode.PerSittingPerMinute)
        {
            throw new RefusedException(RefusalKind.TooMany,
                $"At most {IssueSignInCode.PerSittingPerMinute} new sign-in codes can be given in a sitting in a minute: wait a minute and try again.");
        }

        return (account with
        {
            OneTimeCodeHash = Secrets.HashCode(account.Id, code),
            OneTimeCodeExpires = now + IssueSignInCode.Lifetime,
            OneTimeCodePurpose = OneTimeCodePurpose.CandidateSignIn,
        }, new CandidateSignInCodeReissued(sitting.Id, candidate.Id, candidate.CandidateNumber, sitting.CentreId, actor, sourceAddress, now));
    }

    public static IEnumerable<object> Focus(Attempt attempt, CandidatePresence presence, bool lost, DateTimeOffset now) => (attempt.InProgress, lost, presence.Focused) switch
    {
        (true, true, true) => [new FocusLost(attempt.Id, now)],
        (true, false, false) => [new FocusRegained(attempt.Id, now)],
        _ => [],
    };

    /// <summary>A connection or a drop; joining from another node (its node died) is a reconnection worth recording too.</summary>
    public static IEnumerable<object> Connection(CandidatePresence presence, bool connected, string node, DateTimeOffset now) => (connected, presence.Connected) switch
    {
        (true, false) => [new CandidateConnected(presence.Id, node, now)],
        (true, true) when presence.ConnectedNode != node => [new CandidateConnected(presence.Id, node, now)],
        (false, true) when presence.ConnectedNode is null || presence.ConnectedNode == node => [new CandidateDisconnected(presence.Id, node, now)],
        _ => [],
    };
}
