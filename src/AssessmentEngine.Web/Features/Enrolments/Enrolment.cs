using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Enrolments;

public sealed record Window(DateOnly StartDate, DateTimeOffset Opens, DateTimeOffset Closes)
{
    public bool Covers(DateTimeOffset from, DateTimeOffset to) => from >= Opens && to <= Closes;
}

/// <summary>A candidate's enrolment on a unit: its assessment window and how many occasions it has had.</summary>
public sealed record Enrolment(Guid Id, Guid CandidateId, Guid CentreId, string UnitCode, int? WindowWeeks, Window? Window, bool Closed, int Occasions)
{
    public static Enrolment Create(CandidateEnrolled enrolled) =>
        new(enrolled.EnrolmentId, enrolled.CandidateId, enrolled.CentreId, enrolled.UnitCode, enrolled.WindowWeeks, null, false, 1);

    public Enrolment Apply(WindowAgreed agreed) => this with { Window = new Window(agreed.StartDate, agreed.Opens, agreed.Closes) };

    public Enrolment Apply(WindowExtended extended) => this with { Window = Window! with { Closes = extended.NewClose }, Closed = false };

    public Enrolment Apply(WindowClosed closed) => this with { Closed = true };

    public Enrolment Apply(ReassessmentArranged arranged) => this with { Occasions = arranged.Occasion };

    /// <summary>Whether an attempt may be under way at <paramref name="at"/>: a unit without a window is always open.</summary>
    public bool IsOpenAt(DateTimeOffset at) => WindowWeeks is null || (Window is { } w && !Closed && at >= w.Opens && at <= w.Closes);
}

/// <summary>Six calendar weeks from the agreed start, to the end of the last day, in the centre's own time zone.</summary>
public static class WindowCalendar
{
    public static Window For(DateOnly start, int weeks, TimeZoneInfo zone) =>
        // The last day is start + 7w − 1; the window closes at its end, whatever the clocks did in between.
        new(start, StartOfDay(start, zone), EndOfDay(start.AddDays(7 * weeks - 1), zone));

    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone) => Local(day.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>23:59:59 local time: one second before the next local midnight.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, TimeZoneInfo zone) => StartOfDay(day.AddDays(1), zone).AddSeconds(-1);

    private static DateTimeOffset Local(DateTime local, TimeZoneInfo zone)
    {
        // Midnight never falls in a UK clock change (they happen at 01:00 and 02:00); elsewhere, step past a gap.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        var offset = zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
    }
}

/// <summary>The decisions on an enrolment: pure functions from its state and a command to the events that follow.</summary>
public static class EnrolmentDecisions
{
    public static WindowAgreed AgreeWindow(Enrolment enrolment, DateOnly start, TimeZoneInfo zone, string agreedWith, string actor, DateTimeOffset now)
    {
        if (enrolment.WindowWeeks is not { } weeks)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Unit {enrolment.UnitCode} has no assessment window, so none can be agreed.");
        }

        if (enrolment.Window is { } existing)
        {
            throw new RefusedException(RefusalKind.Invalid,
                $"A window starting {existing.StartDate:d MMM yyyy} is already agreed; extend it (with a reason) instead of agreeing another.");
        }

        if (string.IsNullOrWhiteSpace(agreedWith))
        {
            throw new RefusedException(RefusalKind.Invalid, "Say who the start date was agreed with (the assessor and the candidate agree it).");
        }

        var window = WindowCalendar.For(start, weeks, zone);
        if (window.Closes < now)
        {
            throw new RefusedException(RefusalKind.Invalid, $"A window starting {start:d MMM yyyy} would already have closed on {window.Closes:d MMM yyyy}.");
        }

        return new WindowAgreed(enrolment.Id, start, window.Opens, window.Closes, agreedWith.Trim(), actor, now);
    }

    public static WindowExtended ExtendWindow(Enrolment enrolment, DateOnly newLastDay, TimeZoneInfo zone, string? reason, string approver, DateTimeOffset now)
    {
        if (enrolment.Window is not { } window)
        {
            throw new RefusedException(RefusalKind.Invalid, "No window has been agreed yet, so there is nothing to extend.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the reason for the extension (a reasonable adjustment or exceptional circumstances).");
        }

        var newClose = WindowCalendar.EndOfDay(newLastDay, zone);
        if (newClose <= window.Closes)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The window already runs to {window.Closes:d MMM yyyy}; an extension must end later.");
        }

        return new WindowExtended(enrolment.Id, window.Closes, newClose, reason.Trim(), approver, now);
    }

    /// <summary>Closes the window once its time has come; nothing when it is not yet due, already closed, or never agreed.</summary>
    public static IEnumerable<object> CloseWindow(Enrolment enrolment, DateTimeOffset now)
    {
        if (enrolment is { Window: { } window, Closed: false } && now >= window.Closes)
        {
            yield return new WindowClosed(enrolment.Id, window.Closes, now);
        }
    }

    public static ReassessmentArranged ArrangeReassessment(Enrolment enrolment, string? reason, string actor, DateTimeOffset now)
    {
        if (!enrolment.IsOpenAt(now))
        {
            throw new RefusedException(RefusalKind.Invalid, "A reassessment can only be arranged inside the candidate's open window.");
        }

        return new ReassessmentArranged(enrolment.Id, enrolment.Occasions + 1, string.IsNullOrWhiteSpace(reason) ? "not yet competent" : reason.Trim(), actor, now);
    }
}
