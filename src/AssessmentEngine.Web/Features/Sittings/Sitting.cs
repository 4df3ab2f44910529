using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Sittings;

public sealed record Booking(Guid CandidateId, Guid EnrolmentId, int ExtraTimePercent);

/// <summary>A sitting as its events leave it: when and where, which test, who invigilates, who is booked.</summary>
public sealed record Sitting(
    Guid Id, Guid CentreId, string UnitCode, string TestId, string Room, DateTimeOffset StartsAt, int DurationMinutes,
    IReadOnlyList<Guid> InvigilatorIds, IReadOnlyList<Booking> Bookings)
{
    public string? AccessCode { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public bool Ended => EndedAt is not null;

    public static Sitting Create(SittingScheduled scheduled) =>
        new(scheduled.SittingId, scheduled.CentreId, scheduled.UnitCode, scheduled.TestId, scheduled.Room, scheduled.StartsAt,
            scheduled.DurationMinutes, scheduled.InvigilatorIds, []);

    public Sitting Apply(CandidateBooked booked) =>
        this with { Bookings = [.. Bookings, new Booking(booked.CandidateId, booked.EnrolmentId, booked.ExtraTimePercent)] };

    public Sitting Apply(AccessCodeIssued issued) => this with { AccessCode = issued.Code };

    public Sitting Apply(SittingEnded ended) => this with { EndedAt = ended.EndedAt };

    /// <summary>Whether <paramref name="typed"/> is this sitting's access code, ignoring case and spaces.</summary>
    public bool AccessCodeIs(string? typed) =>
        AccessCode is { } code && typed is not null &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(code), System.Text.Encoding.UTF8.GetBytes(new string(typed.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant()));

    /// <summary>When a candidate with this much extra time would finish, if they started on time and never paused.</summary>
    public DateTimeOffset EndsAtFor(int extraTimePercent) => StartsAt.AddMinutes(DurationMinutes * (1 + extraTimePercent / 100.0));
}

/// <summary>Access codes: six characters that cannot be misread (no 0/O, 1/I/L).</summary>
public static class AccessCodes
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static string New() => new(Enumerable.Range(0, 6).Select(_ => Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());
}

public static class SittingDecisions
{
    public static SittingScheduled Schedule(
        Guid id, Guid centreId, string unitCode, string? testId, string? room, DateTimeOffset startsAt, int durationMinutes,
        IReadOnlyList<Guid> invigilators, string actor, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(testId))
        {
            throw new RefusedException(RefusalKind.Invalid, $"Unit {unitCode} has no test blueprint, so no sitting can be scheduled for it.");
        }

        if (string.IsNullOrWhiteSpace(room) || room.Length > 100)
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the room (at most 100 characters).");
        }

        if (durationMinutes is < 1 or > 24 * 60)
        {
            throw new RefusedException(RefusalKind.Invalid, "The duration must be from 1 minute to 24 hours.");
        }

        if (startsAt < now.AddMinutes(-5))
        {
            throw new RefusedException(RefusalKind.Invalid, "A sitting cannot be scheduled in the past.");
        }

        if (invigilators.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Assign at least one invigilator.");
        }

        return new SittingScheduled(id, centreId, unitCode, testId.Trim(), room.Trim(), startsAt, durationMinutes, invigilators.Distinct().ToList(), actor, now);
    }

    /// <summary>Books a candidate whose window is open for the whole sitting, their extra time included. Booking twice changes nothing.</summary>
    public static IEnumerable<object> Book(Sitting sitting, Candidate candidate, Enrolment enrolment, TimeZoneInfo zone, string actor, DateTimeOffset now)
    {
        if (sitting.Bookings.Any(b => b.CandidateId == candidate.Id))
        {
            yield break;
        }

        if (candidate.CentreId != sitting.CentreId || enrolment.CandidateId != candidate.Id)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{Who(candidate)} is not a candidate of this sitting's centre.");
        }

        if (enrolment.UnitCode != sitting.UnitCode)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{Who(candidate)} is enrolled on {enrolment.UnitCode}, not on {sitting.UnitCode}.");
        }

        var extra = candidate.Adjustments.ExtraTimePercent;
        var ends = sitting.EndsAtFor(extra);
        if (enrolment.WindowWeeks is not null)
        {
            if (enrolment.Window is not { } window)
            {
                throw new RefusedException(RefusalKind.Invalid, $"{Who(candidate)} has no agreed window for {sitting.UnitCode} yet; agree its start date first.");
            }

            if (enrolment.Closed || !window.Covers(sitting.StartsAt, ends))
            {
                throw new RefusedException(RefusalKind.Invalid,
                    $"{Who(candidate)} cannot be booked: their window for {sitting.UnitCode} runs from {CentreTime.Show(window.Opens, zone)} to {CentreTime.Show(window.Closes, zone)}" +
                    $"{(enrolment.Closed ? " and has closed" : "")}, and this sitting runs from {CentreTime.Show(sitting.StartsAt, zone)} to {CentreTime.Show(ends, zone)}" +
                    $"{(extra > 0 ? $" with their {extra} % extra time" : "")}.");
            }
        }

        yield return new CandidateBooked(sitting.Id, candidate.Id, enrolment.Id, extra, actor, now);
    }

    private static string Who(Candidate candidate) => $"{candidate.Name} ({candidate.CandidateNumber})";
}
