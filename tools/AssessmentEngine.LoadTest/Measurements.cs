using System.Collections.Concurrent;
using System.Diagnostics;

namespace AssessmentEngine.LoadTest;

/// <summary>A latency's samples in milliseconds with the moment each ended; thread-safe, summarised once at the end.</summary>
public sealed class Latency
{
    private readonly ConcurrentQueue<(long EndedAt, double Milliseconds)> _samples = new();

    public void Add(long startedTimestamp) => Add(startedTimestamp, Stopwatch.GetTimestamp());

    public void Add(long startedTimestamp, long endedTimestamp) =>
        _samples.Enqueue((endedTimestamp, Stopwatch.GetElapsedTime(startedTimestamp, endedTimestamp).TotalMilliseconds));

    /// <summary>The samples that ended at or after <paramref name="from"/> (a Stopwatch timestamp; 0 for all).</summary>
    public Percentiles Summary(long from = 0)
    {
        var sorted = _samples.Where(s => s.EndedAt >= from).Select(s => s.Milliseconds).ToArray();
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, Round(At(0.50)), Round(At(0.95)), Round(At(0.99)), Round(sorted.Length == 0 ? 0 : sorted[^1]));
    }

    /// <summary>How many samples took longer than <paramref name="milliseconds"/>.</summary>
    public int Over(double milliseconds) => _samples.Count(s => s.Milliseconds > milliseconds);

    private static double Round(double value) => Math.Round(value, 1);
}

/// <summary>Nearest-rank percentiles in milliseconds.</summary>
public sealed record Percentiles(int Count, double P50, double P95, double P99, double Max);

/// <summary>Everything a run counts and times, shared by every candidate and the invigilator.</summary>
public sealed class Measurements
{
    private long _answersSent, _answersAcked, _answersRefused, _answerErrors, _heartbeats, _heartbeatErrors, _joinFailures, _reconnects,
        _rowsReceived, _gridMessages, _dashboardUnseen, _submitErrors, _admissionsRefused, _startsRefused, _invigilatorCallErrors, _lateStarters;

    private readonly ConcurrentQueue<string> _errors = new();

    public Latency SignIn { get; } = new();
    public Latency SignInToFirstItem { get; } = new();
    public Latency Submit { get; } = new();
    public Latency CheckIn { get; } = new();
    public Latency Admission { get; } = new();
    public Latency AdmitCall { get; } = new();

    /// <summary>Exam day: from the candidate's arrival (before signing in) to the push or clock that says they are admitted.</summary>
    public Latency ArrivalToAdmitted { get; } = new();

    public Latency StartRoomCall { get; } = new();

    /// <summary>Exam day: from the moment their invigilator called StartRoom to the candidate's items on screen.</summary>
    public Latency RoomStartToFirstItem { get; } = new();
    public Latency StartAndOpen { get; } = new();
    public Latency AnswerAck { get; } = new();
    public Latency AnswerToDashboard { get; } = new();
    public Latency Heartbeat { get; } = new();

    public long AnswersSent => Interlocked.Read(ref _answersSent);
    public long AnswersAcked => Interlocked.Read(ref _answersAcked);
    public long AnswersRefused => Interlocked.Read(ref _answersRefused);
    public long AnswerErrors => Interlocked.Read(ref _answerErrors);
    public long Heartbeats => Interlocked.Read(ref _heartbeats);
    public long HeartbeatErrors => Interlocked.Read(ref _heartbeatErrors);
    public long JoinFailures => Interlocked.Read(ref _joinFailures);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long RowsReceived => Interlocked.Read(ref _rowsReceived);
    public long GridMessages => Interlocked.Read(ref _gridMessages);
    public long AdmissionsRefused => Interlocked.Read(ref _admissionsRefused);
    public long StartsRefused => Interlocked.Read(ref _startsRefused);
    public long InvigilatorCallErrors => Interlocked.Read(ref _invigilatorCallErrors);
    public long LateStarters => Interlocked.Read(ref _lateStarters);
    public long DashboardUnseen => Interlocked.Read(ref _dashboardUnseen);
    public long SubmitErrors => Interlocked.Read(ref _submitErrors);

    public void AnswerSent() => Interlocked.Increment(ref _answersSent);
    public void AnswerAcked() => Interlocked.Increment(ref _answersAcked);
    public void AnswerRefused() => Interlocked.Increment(ref _answersRefused);
    public void HeartbeatSent() => Interlocked.Increment(ref _heartbeats);
    public void Reconnected() => Interlocked.Increment(ref _reconnects);
    public void RowReceived() => Interlocked.Increment(ref _rowsReceived);
    public void GridMessage() => Interlocked.Increment(ref _gridMessages);
    public void StartedLate() => Interlocked.Increment(ref _lateStarters);
    public void Unseen(int count) => Interlocked.Add(ref _dashboardUnseen, count);

    public void AnswerFailed(string error) => Failed(ref _answerErrors, "answer", error);
    public void HeartbeatFailed(string error) => Failed(ref _heartbeatErrors, "heartbeat", error);
    public void JoinFailed(string error) => Failed(ref _joinFailures, "join", error);
    public void SubmitFailed(string error) => Failed(ref _submitErrors, "submit", error);
    public void AdmissionRefused(string error) => Failed(ref _admissionsRefused, "AdmitTicked refused", error);
    public void StartRefused(string error) => Failed(ref _startsRefused, "StartRoom refused", error);
    public void InvigilatorCallFailed(string error) => Failed(ref _invigilatorCallErrors, "invigilator's call", error);

    /// <summary>The first errors of each kind, for the report: enough to see what went wrong, not thousands of copies.</summary>
    public IReadOnlyList<string> Errors => _errors.ToArray();

    private void Failed(ref long counter, string kind, string error)
    {
        if (Interlocked.Increment(ref counter) <= 5)
        {
            _errors.Enqueue($"{kind}: {error}");
        }
    }
}
