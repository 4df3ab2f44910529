using System.Globalization;
using System.Text;

namespace AssessmentEngine.LoadTest;

public sealed record MachineInfo(int Cores, string OperatingSystem, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd);

public sealed record LatencySet(Percentiles AnswerAcknowledged, Percentiles AnswerToGrid, Percentiles Heartbeat);

/// <summary>
/// Arriving. Exam day adds arrival → admitted (the two-minute promise), the invigilators' StartRoom call and room start →
/// first item; StartAndOpen is then press Start → first item, for late candidates or --start-by candidates.
/// </summary>
public sealed record JoinLatencies(
    Percentiles SignInToFirstItem, Percentiles SignIn, Percentiles CheckInAndConnect, Percentiles WaitForAdmission, Percentiles AdmitCall, Percentiles StartAndOpen,
    Percentiles ArrivalToAdmitted, Percentiles StartRoomCall, Percentiles RoomStartToFirstItem);

/// <summary>The engine's PSS (summed over its processes) idle before anyone arrived and on average in the steady state, and the difference per connected candidate.</summary>
public sealed record EngineMemory(double IdleMb, double SteadyMeanMb, int CandidatesConnected, double MbPerCandidate);

/// <summary>The submission phase: how many submitted, how many failed, and when the last receipt came back.</summary>
public sealed record SubmissionResult(int Candidates, int Submitted, int NotSubmitted, double LastReceiptAfterSeconds, Percentiles Latency);

/// <summary>A run's figures: printed as a table, written as JSON.</summary>
public sealed record RunResults(
    string Scenario, string Flow, IReadOnlyList<Uri> Nodes, int EngineProcesses, DateTimeOffset StartedAt, LoadOptions Options, MachineInfo Machine,
    int Candidates, int Invigilators, int Joined, long JoinFailures, double AllInSeconds, double SteadySeconds, double TotalSeconds,
    long AnswersSent, long AnswersAcknowledged, long AnswersRefused, long AnswerErrors, int QuestionsChecked, int Lost, int VerificationFailures,
    long Heartbeats, long HeartbeatErrors, long Reconnects, long GridRowsReceived, long GridMessagesReceived, long AnswersNotSeenOnGrid,
    long AdmissionsRefused, long StartsRefused, long InvigilatorCallErrors, long StartedLate, int AdmittedOverTwoMinutes, SubmissionResult Submission,
    double ToolCpuSeconds, LatencySet Steady, LatencySet WholeRun, JoinLatencies Joining, EngineMemory Memory, IReadOnlyList<PhaseUsage> Usage, IReadOnlyList<string> Errors)
{
    public bool Failed => Lost > 0 || JoinFailures > 0 || VerificationFailures > 0 || Submission.NotSubmitted > 0
        || AdmissionsRefused > 0 || StartsRefused > 0 || InvigilatorCallErrors > 0;

    public string Table()
    {
        var text = new StringBuilder();
        void Line(string name, object value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-40} {value,12}");
        void Header(string title) => text.AppendLine(CultureInfo.InvariantCulture, $"\n  {title,-40} {"count",8} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
        void Row(string name, Percentiles p) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-40} {p.Count,8} {p.P50,9:0.0} {p.P95,9:0.0} {p.P99,9:0.0} {p.Max,9:0.0}");

        var examDay = Flow == "exam-day";
        text.AppendLine(CultureInfo.InvariantCulture, $"\n  scenario {Scenario}, flow {Flow}: heartbeat every {Options.HeartbeatSeconds:0.#} s, answer every {Options.AnswerEverySeconds:0.#} s, sign-in by {Options.SignIn}");
        text.AppendLine(examDay
            ? string.Create(CultureInfo.InvariantCulture, $"  arrivals over {Options.ArriveMinutes:0.#} min, AdmitTicked every {Options.AdmitEverySeconds:0.#} s, started by {Options.StartBy}")
            : string.Create(CultureInfo.InvariantCulture, $"  arrivals over {Options.StartSeconds:0} s, {Options.AdmitsPerSecond} Admit calls a second per invigilator"));
        text.AppendLine(CultureInfo.InvariantCulture, $"  {Nodes.Count} node(s): {string.Join(", ", Nodes)}");
        Line("candidates (joined)", $"{Candidates} ({Joined})");
        Line("invigilators", Invigilators);
        Line("join failures", JoinFailures);
        if (examDay)
        {
            Line("admissions refused (AdmitTicked)", AdmissionsRefused);
            Line("starts refused (StartRoom)", StartsRefused);
            Line("invigilators' calls failed", InvigilatorCallErrors);
            Line("admitted > 120 s after arriving", AdmittedOverTwoMinutes);
            Line(Options.StartBy == "room" ? "late: admitted after the start" : "admitted after their Start moment", StartedLate);
        }

        Line("all in after (s)", AllInSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("steady state (s)", SteadySeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("whole run (s)", TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("answers sent", AnswersSent);
        Line("answers acknowledged", AnswersAcknowledged);
        Line("answers refused", AnswersRefused);
        Line("answer request errors", AnswerErrors);
        Line("questions checked after the run", QuestionsChecked);
        Line("answers lost", Lost);
        Line("heartbeats (errors)", $"{Heartbeats} ({HeartbeatErrors})");
        Line("hub reconnects", Reconnects);
        Line("grid messages received", GridMessagesReceived);
        Line("grid rows received", GridRowsReceived);
        Line("answers never seen on the grid", AnswersNotSeenOnGrid);
        Line("submitted / not submitted", $"{Submission.Submitted} / {Submission.NotSubmitted}");
        Line("last receipt after (s)", Submission.LastReceiptAfterSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("tool CPU (s)", ToolCpuSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("load average start / end", $"{Machine.LoadAverageAtStart} / {Machine.LoadAverageAtEnd}");
        Line("engine processes sampled", EngineProcesses);
        Line("engine PSS idle / steady mean (MB)", string.Create(CultureInfo.InvariantCulture, $"{Memory.IdleMb:0} / {Memory.SteadyMeanMb:0}"));
        Line("engine memory per connected candidate", EngineProcesses == 0 || Memory.CandidatesConnected == 0 ? "not measured"
            : Memory.MbPerCandidate is > -1 and < 1 ? string.Create(CultureInfo.InvariantCulture, $"{Memory.MbPerCandidate * 1024:0.0} KB")
            : string.Create(CultureInfo.InvariantCulture, $"{Memory.MbPerCandidate:0.00} MB"));
        Header("steady state");
        Row("answer → acknowledged", Steady.AnswerAcknowledged);
        Row("answer → invigilator's grid", Steady.AnswerToGrid);
        Row("heartbeat (hub call)", Steady.Heartbeat);
        Header("whole run");
        Row("answer → acknowledged", WholeRun.AnswerAcknowledged);
        Row("answer → invigilator's grid", WholeRun.AnswerToGrid);
        Row("heartbeat (hub call)", WholeRun.Heartbeat);
        Header("joining");
        Row("sign-in → first item on screen", Joining.SignInToFirstItem);
        Row("sign-in", Joining.SignIn);
        Row("check-in + live connection", Joining.CheckInAndConnect);
        Row("waiting for admission", Joining.WaitForAdmission);
        if (examDay)
        {
            Row("arrival → admitted", Joining.ArrivalToAdmitted);
            Row("admit (invigilator's AdmitTicked call)", Joining.AdmitCall);
            Row("start room (invigilator's StartRoom)", Joining.StartRoomCall);
            Row("room start → first item on screen", Joining.RoomStartToFirstItem);
            Row("press Start → first item on screen", Joining.StartAndOpen);
        }
        else
        {
            Row("admit (invigilator's hub call)", Joining.AdmitCall);
            Row("start + open the test", Joining.StartAndOpen);
        }
        Header("submission");
        Row("submit (request)", Submission.Latency);
        text.AppendLine(CultureInfo.InvariantCulture, $"\n  {"CPU (cores) and memory (MB, PSS)",-40} {"s",5} {"engine",19} {"PostgreSQL",19} {"tool",19}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"phase",-40} {"",5} {"mean/peak CPU, MB",19} {"mean/peak CPU, MB",19} {"mean/peak CPU, MB",19}");
        foreach (var phase in Usage)
        {
            static string Of(Usage u) => string.Create(CultureInfo.InvariantCulture, $"{u.MeanCores:0.00}/{u.PeakCores:0.00}, {u.PeakMemoryMb:0}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {phase.Phase,-40} {phase.Seconds,5:0} {Of(phase.Engine),19} {Of(phase.Postgres),19} {Of(phase.Tool),19}");
        }

        if (Errors.Count > 0)
        {
            text.AppendLine("\n  first errors:");
            foreach (var error in Errors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {error}");
            }
        }

        return text.ToString();
    }
}
