using System.Globalization;
using System.Text;

namespace AssessmentEngine.LoadTest;

public sealed record MachineInfo(int Cores, string OperatingSystem, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd);

public sealed record LatencySet(Percentiles AnswerAcknowledged, Percentiles AnswerToGrid, Percentiles Heartbeat);

public sealed record JoinLatencies(
    Percentiles SignInToFirstItem, Percentiles SignIn, Percentiles CheckInAndConnect, Percentiles WaitForAdmission, Percentiles AdmitCall, Percentiles StartAndOpen);

/// <summary>The submission phase: how many submitted, how many failed, and when the last receipt came back.</summary>
public sealed record SubmissionResult(int Candidates, int Submitted, int NotSubmitted, double LastReceiptAfterSeconds, Percentiles Latency);

/// <summary>A run's figures: printed as a table, written as JSON.</summary>
public sealed record RunResults(
    string Scenario, DateTimeOffset StartedAt, LoadOptions Options, MachineInfo Machine,
    int Candidates, int Invigilators, int Joined, long JoinFailures, double AllInSeconds, double SteadySeconds, double TotalSeconds,
    long AnswersSent, long AnswersAcknowledged, long AnswersRefused, long AnswerErrors, int QuestionsChecked, int Lost, int VerificationFailures,
    long Heartbeats, long HeartbeatErrors, long Reconnects, long GridRowsReceived, long AnswersNotSeenOnGrid, SubmissionResult Submission,
    double ToolCpuSeconds, LatencySet Steady, LatencySet WholeRun, JoinLatencies Joining, IReadOnlyList<PhaseUsage> Usage, IReadOnlyList<string> Errors)
{
    public bool Failed => Lost > 0 || JoinFailures > 0 || VerificationFailures > 0 || Submission.NotSubmitted > 0;

    public string Table()
    {
        var text = new StringBuilder();
        void Line(string name, object value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {value,12}");
        void Header(string title) => text.AppendLine(CultureInfo.InvariantCulture, $"\n  {title,-34} {"count",8} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
        void Row(string name, Percentiles p) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {p.Count,8} {p.P50,9:0.0} {p.P95,9:0.0} {p.P99,9:0.0} {p.Max,9:0.0}");

        text.AppendLine(CultureInfo.InvariantCulture, $"\n  scenario {Scenario}: {Options.Url}, heartbeat every {Options.HeartbeatSeconds:0.#} s, answer every {Options.AnswerEverySeconds:0.#} s, sign-in by {Options.SignIn}");
        Line("candidates (joined)", $"{Candidates} ({Joined})");
        Line("invigilators", Invigilators);
        Line("join failures", JoinFailures);
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
        Line("grid rows received", GridRowsReceived);
        Line("answers never seen on the grid", AnswersNotSeenOnGrid);
        Line("submitted / not submitted", $"{Submission.Submitted} / {Submission.NotSubmitted}");
        Line("last receipt after (s)", Submission.LastReceiptAfterSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("tool CPU (s)", ToolCpuSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("load average start / end", $"{Machine.LoadAverageAtStart} / {Machine.LoadAverageAtEnd}");
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
        Row("admit (invigilator's hub call)", Joining.AdmitCall);
        Row("start + open the test", Joining.StartAndOpen);
        Header("submission");
        Row("submit (request)", Submission.Latency);
        text.AppendLine(CultureInfo.InvariantCulture, $"\n  {"CPU (cores) and memory (MB, PSS)",-34} {"s",5} {"engine",19} {"PostgreSQL",19} {"tool",19}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"phase",-34} {"",5} {"mean/peak CPU, MB",19} {"mean/peak CPU, MB",19} {"mean/peak CPU, MB",19}");
        foreach (var phase in Usage)
        {
            static string Of(Usage u) => string.Create(CultureInfo.InvariantCulture, $"{u.MeanCores:0.00}/{u.PeakCores:0.00}, {u.PeakMemoryMb:0}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  {phase.Phase,-34} {phase.Seconds,5:0} {Of(phase.Engine),19} {Of(phase.Postgres),19} {Of(phase.Tool),19}");
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
