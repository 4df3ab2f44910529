using System.Globalization;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>An action for the centre as the form sends it: its text and its due day (yyyy-MM-dd), either possibly blank.</summary>
public sealed record CentreActionInput(string? Text, string? Due);

/// <summary>The external verifier's decisions on a visit: pure functions from its state and a command to the events that follow.</summary>
public static class ExternalVerificationDecisions
{
    public const int MaxComment = 4_000;
    public const int MaxAction = 1_000;
    public const int MaxActions = 5;
    public const string Agree = "agree";
    public const string Disagree = "disagree";

    public static ExternalVerificationOpened Open(Guid visitId, Guid centreId, Guid verifierId, string verifier, DateTimeOffset now) =>
        new(visitId, centreId, verifierId, verifier, now);

    /// <summary>
    /// Records the verifier's outcome for a decision of the centre: agree or disagree, a comment, and the centre's actions, each
    /// with an optional due day not before <paramref name="today"/> (the centre's). Nobody verifies a decision they made or verified
    /// themselves; nothing changes in a report once issued.
    /// </summary>
    public static IReadOnlyList<object> RecordSample(ExternalReport visit, SampledDecision sample, string? outcome, string? comment,
        IReadOnlyList<CentreActionInput> actions, Guid verifierId, string verifier, DateOnly today, DateTimeOffset now)
    {
        StillADraftOf(visit, verifierId);
        if (sample.MadeBy.Contains(verifierId))
        {
            throw new RefusedException(RefusalKind.Forbidden,
                "You made or internally verified this decision yourself: nobody verifies their own decisions. Another external verifier can sample it.");
        }

        var agrees = outcome?.Trim().ToLowerInvariant() switch
        {
            Agree => true,
            Disagree => false,
            _ => throw new RefusedException(RefusalKind.Invalid, "Choose whether you agree or disagree with the centre's decision."),
        };
        var text = comment?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Write a comment for the centre on this decision.");
        }

        if (text.Length > MaxComment)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The comment is limited to {MaxComment:N0} characters; this one has {text.Length:N0}.");
        }

        return [new ExternalSampleRecorded(visit.Id, visit.CentreId, sample, agrees, text, Actions(actions, today), verifierId, verifier, now)];
    }

    /// <summary>Issues the report to the centre: a draft with at least one sample, by the verifier whose visit it is.</summary>
    public static IReadOnlyList<object> Issue(ExternalReport visit, string? summary, Guid verifierId, string verifier, DateTimeOffset now)
    {
        StillADraftOf(visit, verifierId);
        if (visit.Samples.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Record at least one sample before you issue the report.");
        }

        var text = summary?.Trim() ?? "";
        if (text.Length > MaxComment)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The summary is limited to {MaxComment:N0} characters; this one has {text.Length:N0}.");
        }

        return [new ExternalVerificationReportIssued(visit.Id, visit.CentreId, text, verifierId, verifier, now)];
    }

    private static void StillADraftOf(ExternalReport visit, Guid verifierId)
    {
        if (visit.VerifierId != verifierId)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such report of yours.");
        }

        if (visit.IssuedAt is { } issued)
        {
            throw new RefusedException(RefusalKind.Conflict,
                $"This report was issued to the centre on {issued:d MMM yyyy}; nothing in it changes now. Your next sample starts a new report.");
        }
    }

    private static List<CentreAction> Actions(IReadOnlyList<CentreActionInput> inputs, DateOnly today)
    {
        var actions = new List<CentreAction>();
        foreach (var input in inputs)
        {
            var text = input.Text?.Trim() ?? "";
            var due = input.Due?.Trim() ?? "";
            if (text.Length == 0 && due.Length == 0)
            {
                continue;
            }

            if (text.Length == 0)
            {
                throw new RefusedException(RefusalKind.Invalid, "Say what the centre is to do by the due date you gave.");
            }

            if (text.Length > MaxAction)
            {
                throw new RefusedException(RefusalKind.Invalid, $"An action is limited to {MaxAction:N0} characters.");
            }

            DateOnly? day = null;
            if (due.Length > 0)
            {
                if (!DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    throw new RefusedException(RefusalKind.Invalid, $"'{(due.Length > 20 ? due[..20] + "…" : due)}' is not a date: give the due date as a day, such as {today:yyyy-MM-dd}.");
                }

                if (parsed < today)
                {
                    throw new RefusedException(RefusalKind.Invalid, $"The due date {parsed:d MMM yyyy} has passed already; give a day from today.");
                }

                day = parsed;
            }

            actions.Add(new CentreAction(text, day));
        }

        return actions.Count > MaxActions
            ? throw new RefusedException(RefusalKind.Invalid, $"Give at most {MaxActions} actions per sample.")
            : actions;
    }
}
