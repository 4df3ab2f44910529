using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;

namespace AssessmentEngine.Web.Features.Attempts;

public enum AttemptStatus { Waiting, Admitted, Refused, InProgress, Submitted, Voided }

/// <summary>The response an item holds now, and the sequence number of the save that gave it.</summary>
public sealed record Answer(Response Response, long Sequence, DateTimeOffset SavedAt);

public sealed record Flag(bool Flagged, long Sequence);

/// <summary>An assessor's mark for one response, with their comment.</summary>
public sealed record AssessorMark(decimal Marks, string? Comment, Guid MarkerId, string Marker, DateTimeOffset MarkedAt);

/// <summary>An attempt as its events leave it: whose, which form, the clock, the answers, and where it stands.</summary>
public sealed record Attempt(
    Guid Id, Guid SittingId, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, string TestId, int Occasion,
    AttemptStatus Status, DateTimeOffset CheckedInAt)
{
    public Form? Form { get; init; }

    public string? OptionSalt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public TimeSpan Allowed { get; init; }

    public TimeLimit TimeLimit { get; init; }

    public int PassPercent { get; init; }

    public int ExtraTimePercent { get; init; }

    /// <summary>Start + allowed + time paused; null until the candidate starts.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public IReadOnlyDictionary<string, Answer> Answers { get; init; } = new Dictionary<string, Answer>();

    public IReadOnlyDictionary<string, Flag> Flags { get; init; } = new Dictionary<string, Flag>();

    /// <summary>Sequence numbers taken before they were kept as ranges (attempts stored by an earlier version); read, never added to.</summary>
    public IReadOnlyList<long> Sequences { get; init; } = [];

    /// <summary>
    /// Every sequence number already taken (saved or refused), as ranges: a save sent again is acknowledged, not written
    /// again. The page numbers its changes one after another, so this stays a range or two however long the test.
    /// </summary>
    public IReadOnlyList<SequenceRange> SequenceRanges { get; init; } = [];

    /// <summary>The minute (since the epoch) of the latest change written, and how many were written in it.</summary>
    public long ChangesMinute { get; init; }

    public int ChangesInMinute { get; init; }

    /// <summary>Characters of answer text written over the whole attempt, every saved version counted.</summary>
    public long StoredText { get; init; }

    public long LastSequence { get; init; }

    /// <summary>The newest test page opened; saves from an older one are refused.</summary>
    public string? Page { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public string? SubmissionReason { get; init; }

    public string? ResponsesHash { get; init; }

    public bool OverrunLogged { get; init; }

    public string? RefusalReason { get; init; }

    /// <summary>When the clock was stopped, while it is; the deadline then waits.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    public TimeSpan PausedTotal { get; init; }

    /// <summary>Time added by invigilators.</summary>
    public TimeSpan Extended { get; init; }

    public string? VoidReason { get; init; }

    /// <summary>Marks the engine gave objective items at submission, by item id.</summary>
    public IReadOnlyDictionary<string, decimal> AutoMarks { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Assessors' marks for the other items, by item id: the first marker's, and a second marker's if any.</summary>
    public IReadOnlyDictionary<string, AssessorMark> AssessorMarks { get; init; } = new Dictionary<string, AssessorMark>();

    public IReadOnlyDictionary<string, AssessorMark> SecondMarks { get; init; } = new Dictionary<string, AssessorMark>();

    public AssessmentDecisionRecorded? Decision { get; init; }

    public SampledForVerification? Sampled { get; init; }

    public VerificationRecorded? Verification { get; init; }

    /// <summary>Everyone who marked or decided this attempt: none of them may verify it.</summary>
    public IReadOnlyList<Guid> MarkedOrDecidedBy { get; init; } = [];

    /// <summary>Time left: frozen while paused, none once the attempt is no longer under way.</summary>
    public TimeSpan? RemainingAt(DateTimeOffset now) => InProgress && Deadline is { } deadline
        ? (deadline - (PausedAt ?? now)) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero
        : null;

    public bool InProgress => Status == AttemptStatus.InProgress;

    public static Attempt Create(CandidateCheckedIn checkedIn) =>
        new(checkedIn.AttemptId, checkedIn.SittingId, checkedIn.EnrolmentId, checkedIn.CandidateId, checkedIn.CentreId, checkedIn.UnitCode,
            checkedIn.TestId, checkedIn.Occasion, AttemptStatus.Waiting, checkedIn.CheckedInAt);

    public Attempt Apply(CandidateAdmitted admitted) => this with { Status = AttemptStatus.Admitted, Form = admitted.Form, OptionSalt = admitted.OptionSalt };

    public Attempt Apply(AdmissionRefused refused) => this with { Status = AttemptStatus.Refused, RefusalReason = refused.Reason };

    public Attempt Apply(AttemptStarted started) => this with
    {
        Status = AttemptStatus.InProgress,
        Form = started.Form,
        StartedAt = started.StartedAt,
        Allowed = started.Allowed,
        TimeLimit = started.TimeLimit,
        PassPercent = started.PassPercent,
        ExtraTimePercent = started.ExtraTimePercent,
        Deadline = started.StartedAt + started.Allowed,
    };

    public Attempt Apply(AttemptOpened opened) => this with { Page = opened.Page };

    public Attempt Apply(AnswerSaved saved) => Taken(saved.Sequence).Counted(saved.SavedAt) with
    {
        StoredText = StoredText + (saved.Response.Text?.Length ?? 0),
        Answers = Answers.TryGetValue(saved.ItemId, out var held) && held.Sequence > saved.Sequence
            ? Answers
            : new Dictionary<string, Answer>(Answers) { [saved.ItemId] = new Answer(saved.Response, saved.Sequence, saved.SavedAt) },
    };

    public Attempt Apply(ItemFlagged flagged) => Taken(flagged.Sequence).Counted(flagged.FlaggedAt) with
    {
        Flags = Flags.TryGetValue(flagged.ItemId, out var held) && held.Sequence > flagged.Sequence
            ? Flags
            : new Dictionary<string, Flag>(Flags) { [flagged.ItemId] = new Flag(flagged.Flagged, flagged.Sequence) },
    };

    public Attempt Apply(AnswerRefused refused) => Taken(refused.Sequence);

    public Attempt Apply(AttemptSubmitted submitted) => this with
    {
        Status = AttemptStatus.Submitted,
        SubmittedAt = submitted.SubmittedAt,
        SubmissionReason = submitted.Reason,
        ResponsesHash = submitted.ResponsesHash,
    };

    public Attempt Apply(TimeOverrunLogged logged) => this with { OverrunLogged = true };

    public Attempt Apply(AttemptPaused paused) => this with { PausedAt = paused.PausedAt };

    public Attempt Apply(AttemptResumed resumed) => this with
    {
        PausedAt = null,
        PausedTotal = PausedTotal + resumed.Paused,
        Deadline = Deadline + resumed.Paused,
    };

    public Attempt Apply(TimeExtended extended) => this with
    {
        Extended = Extended + TimeSpan.FromMinutes(extended.Minutes),
        Deadline = Deadline + TimeSpan.FromMinutes(extended.Minutes),
    };

    public Attempt Apply(AttemptVoided voided) => this with { Status = AttemptStatus.Voided, VoidReason = voided.Reason, PausedAt = null };

    public Attempt Apply(ItemAutoMarked marked) => this with { AutoMarks = new Dictionary<string, decimal>(AutoMarks) { [marked.ItemId] = marked.Marks } };

    public Attempt Apply(ItemMarked marked)
    {
        var mark = new AssessorMark(marked.Marks, marked.Comment, marked.MarkerId, marked.Marker, marked.MarkedAt);
        var by = MarkedOrDecidedBy.Contains(marked.MarkerId) ? MarkedOrDecidedBy : [.. MarkedOrDecidedBy, marked.MarkerId];
        return marked.SecondMarking
            ? this with { SecondMarks = new Dictionary<string, AssessorMark>(SecondMarks) { [marked.ItemId] = mark }, MarkedOrDecidedBy = by }
            : this with { AssessorMarks = new Dictionary<string, AssessorMark>(AssessorMarks) { [marked.ItemId] = mark }, MarkedOrDecidedBy = by };
    }

    public Attempt Apply(AssessmentDecisionRecorded decided) => this with
    {
        Decision = decided,
        MarkedOrDecidedBy = MarkedOrDecidedBy.Contains(decided.AssessorId) ? MarkedOrDecidedBy : [.. MarkedOrDecidedBy, decided.AssessorId],
    };

    public Attempt Apply(SampledForVerification sampled) => this with { Sampled = sampled };

    public Attempt Apply(VerificationRecorded verified) => this with { Verification = verified };

    public bool HasTaken(long sequence) => SequenceRanges.Any(r => r.Contains(sequence)) || Sequences.Contains(sequence);

    /// <summary>Changes already written in the minute of <paramref name="now"/>.</summary>
    public int ChangesWrittenInMinuteOf(DateTimeOffset now) => ChangesMinute == MinuteOf(now) ? ChangesInMinute : 0;

    private static long MinuteOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private Attempt Counted(DateTimeOffset at) => MinuteOf(at) == ChangesMinute
        ? this with { ChangesInMinute = ChangesInMinute + 1 }
        : this with { ChangesMinute = MinuteOf(at), ChangesInMinute = 1 };

    private Attempt Taken(long sequence) => HasTaken(sequence)
        ? this
        : this with { SequenceRanges = SequenceRange.Add(SequenceRanges, sequence), LastSequence = Math.Max(LastSequence, sequence) };
}

/// <summary>Sequence numbers From to To, both included.</summary>
public sealed record SequenceRange(long From, long To)
{
    public bool Contains(long sequence) => sequence >= From && sequence <= To;

    /// <summary>The ranges with one more number, merged with its neighbours, in order.</summary>
    public static IReadOnlyList<SequenceRange> Add(IReadOnlyList<SequenceRange> ranges, long sequence)
    {
        var list = ranges.Append(new SequenceRange(sequence, sequence)).OrderBy(r => r.From).ToList();
        var merged = new List<SequenceRange> { list[0] };
        foreach (var range in list.Skip(1))
        {
            var last = merged[^1];
            if (range.From <= last.To + 1)
            {
                merged[^1] = last with { To = Math.Max(last.To, range.To) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }
}

