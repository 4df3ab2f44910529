using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>
/// An attempt's events folded one by one through the engine's own projection, with the lifecycle's invariants checked
/// at each: never in progress again once submitted or voided, no answer stored outside an unpaused test under way (nor
/// after a hard deadline), the time left grown only by an extension and never taken by an event, the clock started
/// once, at most one submission and exactly one once submitted.
/// </summary>
public sealed class AttemptHistory(CandidateCheckedIn checkedIn)
{
    private readonly List<object> _events = [checkedIn];
    private bool _ended;

    public Attempt State { get; private set; } = AttemptProjection.Create(checkedIn);

    public IReadOnlyList<object> Events => _events;

    public int Submissions => _events.OfType<AttemptSubmitted>().Count();

    /// <summary>Folds one event, written at <paramref name="at"/>; throws <see cref="InvariantBrokenException"/> naming what broke.</summary>
    public void Append(object @event, DateTimeOffset at)
    {
        var before = State;
        State = (Attempt)AttemptProjection.Apply((dynamic)@event, before);
        _events.Add(@event);
        void Holds(bool invariant, string sentence)
        {
            if (!invariant)
            {
                throw new InvariantBrokenException($"{@event.GetType().Name} at {at:HH:mm:ss}: {sentence}; before it: {Describe(before)}");
            }
        }

        _ended |= before.Status is AttemptStatus.Submitted or AttemptStatus.Voided;
        Holds(!(_ended && State.InProgress), "in progress again after it was submitted or voided");
        Holds(@event is not (AnswerSaved or ItemFlagged) || before is { InProgress: true, PausedAt: null }, "an answer was stored while the attempt was not in progress, or paused");
        Holds(ReferenceEquals(before.Answers, State.Answers) || before is { InProgress: true, PausedAt: null }, "the answers changed while the attempt was not in progress, or paused");
        Holds(@event is not AnswerSaved || before.TimeLimit != TimeLimit.Hard || at < before.Deadline, "an answer was stored after a hard deadline");
        if (before.InProgress)
        {
            var extension = @event is TimeExtended extended ? TimeSpan.FromMinutes(extended.Minutes) : TimeSpan.Zero;
            Holds(AtMost(State.RemainingAt(at), before.RemainingAt(at) + extension), "the time left grew by more than an extension");
            Holds(AtMost(before.RemainingAt(at), State.RemainingAt(at)), "the candidate lost time to an event");
        }

        Holds(_events.OfType<AttemptStarted>().Count() <= 1, "the clock was started twice");
        Holds(Submissions <= 1, $"submitted {Submissions} times");
        Holds(State.Status != AttemptStatus.Submitted || Submissions == 1, "submitted without exactly one submission event");
    }

    /// <summary>Whether a time left is at most another; no time left to compare (not under way) is no growth.</summary>
    public static bool AtMost(TimeSpan? left, TimeSpan? than) => left is null || than is null || left <= than;

    public static string Describe(Attempt attempt) =>
        $"{attempt.Status}, deadline {attempt.Deadline:HH:mm:ss}, paused at {attempt.PausedAt:HH:mm:ss}, {attempt.Answers.Count} answer(s), submitted {attempt.SubmissionReason}";
}

public sealed class InvariantBrokenException(string message) : Exception(message);
