using System.Globalization;
using System.Text;

namespace AssessmentEngine.LoadTest;

public sealed record MachineInfo(int Cores, string OperatingSystem, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd);

public sealed record LatencySet(Percentiles AnswerAcknowledged, Percentiles AnswerToGrid, Percentiles Heartbeat);

public sealed record JoinLatencies(Percentiles SignIn, Percentiles CheckInAndConnect, Percentiles WaitForAdmission, Percentiles AdmitCall, Percentiles StartAndOpen);

/// <summary>A run's figures: printed as a table, written as JSON. Later scenarios add their own phases beside these.</summary>
public sealed record RunResults(
    string Scenario, DateTimeOffset StartedAt, LoadOptions Options, MachineInfo Machine,
    int Candidates, int Joined, long JoinFailures, double SteadySeconds, double TotalSeconds,
    long AnswersSent, long AnswersAcknowledged, long AnswersRefused, long AnswerErrors, int QuestionsChecked, int Lost, int VerificationFailures,
    long Heartbeats, long HeartbeatErrors, long Reconnects, long GridRowsReceived, long AnswersNotSeenOnGrid, double ToolCpuSeconds,
    LatencySet Steady, LatencySet WholeRun, JoinLatencies Joining, IReadOnlyList<string> Errors)
{
    public string Table()
    {
        var text = new StringBuilder();
        void Line(string name, object value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {value,12}");
        void Header(string title) => text.AppendLine(CultureInfo.InvariantCulture, $"\n  {title,-34} {"count",8} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
        void Row(string name, Percentiles p) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {p.Count,8} {p.P50,9:0.0} {p.P95,9:0.0} {p.P99,9:0.0} {p.Max,9:0.0}");

        text.AppendLine(CultureInfo.InvariantCulture, $"\n  scenario {Scenario}: {Options.Url}, heartbeat every {Options.HeartbeatSeconds:0.#} s, answer every {Options.AnswerEverySeconds:0.#} s");
        Line("candidates (joined)", $"{Candidates} ({Joined})");
        Line("join failures", JoinFailures);
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
        Row("sign-in", Joining.SignIn);
        Row("check-in + live connection", Joining.CheckInAndConnect);
        Row("waiting for admission", Joining.WaitForAdmission);
        Row("admit (invigilator's hub call)", Joining.AdmitCall);
        Row("start + open the test", Joining.StartAndOpen);
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
