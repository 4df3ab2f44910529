namespace AssessmentEngine.LoadTest;

/// <summary>
/// The test page's answer outbox (`wwwroot/js/test/outbox.js`) for clients written in C#: the load tool's candidates and
/// the engine's tests without a browser. Every change gets the next sequence number, above what the engine already
/// holds, and waits until the engine acknowledges or refuses that number; anything else (a failed send, a change the
/// answer did not mention) stays and goes with the next send, oldest first. One copy, compiled into both.
/// </summary>
/// <typeparam name="TChange">What a change carries (a response, a flag) besides its sequence number.</typeparam>
public sealed class AnswerOutbox<TChange>
{
    private readonly SortedDictionary<long, Entry> _waiting = [];
    private readonly Dictionary<int, (TChange Change, long Sequence)> _acknowledged = [];
    private long _sequence;

    /// <summary>The highest sequence number given out (or held by the engine when the page opened).</summary>
    public long LastSequence => _sequence;

    public int Count => _waiting.Count;

    /// <summary>For each question, the last change the engine acknowledged and its sequence number.</summary>
    public IReadOnlyDictionary<int, (TChange Change, long Sequence)> Acknowledged => _acknowledged;

    /// <summary>The changes never acknowledged nor refused, oldest first.</summary>
    public IEnumerable<(long Sequence, int Item, TChange Change)> Waiting => _waiting.Select(w => (w.Key, w.Value.Item, w.Value.Change));

    /// <summary>The engine holds changes up to <paramref name="lastSequence"/> (the test page opened): numbers go above it.</summary>
    public void StartAbove(long lastSequence) => _sequence = Math.Max(_sequence, lastSequence);

    /// <summary>Puts a change to question <paramref name="item"/> in the outbox with the next sequence number.</summary>
    public long Add(int item, TChange change, long madeAt = 0)
    {
        _waiting[++_sequence] = new Entry(item, change, madeAt);
        return _sequence;
    }

    /// <summary>What to send: every change waiting, oldest first, at most <paramref name="max"/> (as the page sends them).</summary>
    public IReadOnlyList<(long Sequence, int Item, TChange Change)> Batch(int max = 500) => Waiting.Take(max).ToList();

    /// <summary>
    /// Takes the engine's answer to a send: acknowledged and refused changes leave the outbox, nothing else does (a later
    /// change to the same question stays). Returns the acknowledged changes and the refused ones, each with the moment
    /// it was made.
    /// </summary>
    public Settled Settle(IEnumerable<long> acknowledged, IEnumerable<long> refused)
    {
        var (saved, turnedDown) = (new List<(long, int, TChange, long)>(), new List<(long, int, TChange, long)>());
        foreach (var (sequence, list) in acknowledged.Select(s => (s, saved)).Concat(refused.Select(s => (s, turnedDown))))
        {
            if (_waiting.Remove(sequence, out var change))
            {
                list.Add((sequence, change.Item, change.Change, change.MadeAt));
            }
        }

        foreach (var (sequence, item, change, _) in saved)
        {
            if (!_acknowledged.TryGetValue(item, out var held) || held.Sequence < sequence)
            {
                _acknowledged[item] = (change, sequence);
            }
        }

        return new Settled(saved, turnedDown);
    }

    /// <summary>The changes one answer from the engine settled: (sequence, question, change, made at).</summary>
    public sealed record Settled(IReadOnlyList<(long Sequence, int Item, TChange Change, long MadeAt)> Acknowledged,
        IReadOnlyList<(long Sequence, int Item, TChange Change, long MadeAt)> Refused);

    private sealed record Entry(int Item, TChange Change, long MadeAt);
}
