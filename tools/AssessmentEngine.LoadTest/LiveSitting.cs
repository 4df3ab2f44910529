using System.Diagnostics;

namespace AssessmentEngine.LoadTest;

/// <summary>
/// The live scenario: N candidates join over the ramp, then heartbeat and answer until the steady state has lasted the
/// given minutes, while one invigilator admits them and watches the grid; then every candidate's answers are checked.
/// </summary>
public static class LiveSitting
{
    public static async Task<RunResults> RunAsync(LoadOptions options, LoadSetup setup, TextWriter log, CancellationToken cancellationToken)
    {
        var measurements = new Measurements();
        var people = setup.Candidates.Take(options.Candidates).ToList();
        var runStarted = Stopwatch.GetTimestamp();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var loadAtStart = LoadAverage();

        await using var invigilator = new InvigilatorScreen(options, setup, measurements);
        await invigilator.StartAsync(cancellationToken);
        await log.WriteLineAsync($"invigilator watching sitting {setup.SittingId}; {people.Count} candidates join over {options.RampSeconds:0} s");

        var plays = people.Select((who, index) => new CandidatePlay(index, who, setup, options, invigilator, measurements)).ToList();
        using var joining = new SemaphoreSlim(options.JoinConcurrency);
        var rampEnds = runStarted + (long)(options.RampSeconds * Stopwatch.Frequency);
        var joined = 0;
        long steadyFrom = 0, until = long.MaxValue;
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task CandidateAsync(CandidatePlay play, int index)
        {
            var offset = people.Count <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(options.RampSeconds * index / people.Count);
            await Task.Delay(offset, cancellationToken);
            try
            {
                await play.JoinAsync(joining, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                measurements.JoinFailed($"{exception.GetType().Name}: {exception.Message}");
            }

            if (Interlocked.Increment(ref joined) == people.Count)
            {
                allJoined.TrySetResult();
            }

            if (play.Joined)
            {
                await play.PlayAsync(() => Volatile.Read(ref until), cancellationToken);
            }
        }

        var running = plays.Select((play, index) => Task.Run(() => CandidateAsync(play, index), cancellationToken)).ToList();
        var progress = Task.Run(async () =>
        {
            while (!allJoined.Task.IsCompleted)
            {
                await Task.WhenAny(allJoined.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
                await log.WriteLineAsync($"  {Stopwatch.GetElapsedTime(runStarted).TotalSeconds,5:0} s  joined {plays.Count(p => p.Joined)}/{people.Count}, failures {measurements.JoinFailures}");
            }
        }, cancellationToken);

        // Candidates play as soon as they are in; the steady state starts when the last one is in (or the ramp ends).
        // Everyone plays until the steady state has lasted the given minutes.
        await allJoined.Task.WaitAsync(cancellationToken);
        steadyFrom = Math.Max(Stopwatch.GetTimestamp(), rampEnds);
        Volatile.Write(ref until, steadyFrom + (long)(options.Minutes * 60 * Stopwatch.Frequency));
        await progress;
        await log.WriteLineAsync($"all in after {Stopwatch.GetElapsedTime(runStarted).TotalSeconds:0} s ({plays.Count(p => p.Joined)} joined); steady state for {options.Minutes:0.#} min");

        using var reporter = new CancellationTokenSource();
        var reporting = ReportAsync(measurements, runStarted, log, reporter.Token);
        await Task.WhenAll(running);
        await reporter.CancelAsync();
        await reporting;
        var steadyEnded = Stopwatch.GetTimestamp();

        // Rows for the last answers may still be on their way.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        measurements.Unseen(invigilator.Unseen());

        await log.WriteLineAsync("checking every candidate's answers against a fresh open");
        var verifications = new List<Verification>();
        var verifyFailures = 0;
        foreach (var batch in plays.Where(p => p.Joined).Chunk(options.JoinConcurrency))
        {
            foreach (var outcome in await Task.WhenAll(batch.Select(async play =>
                     {
                         try
                         {
                             return await play.VerifyAsync(cancellationToken);
                         }
                         catch (Exception exception) when (exception is not OperationCanceledException)
                         {
                             Interlocked.Increment(ref verifyFailures);
                             return new Verification(0, 0, [$"verification failed: {exception.Message}"]);
                         }
                     })))
            {
                verifications.Add(outcome);
            }
        }

        foreach (var play in plays)
        {
            await play.DisposeAsync();
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        return new RunResults(
            Scenario: options.Scenario,
            StartedAt: DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(runStarted),
            Options: options,
            Machine: new MachineInfo(Environment.ProcessorCount, Environment.OSVersion.ToString(), Environment.Version.ToString(), loadAtStart, LoadAverage()),
            Candidates: people.Count,
            Joined: plays.Count(p => p.Joined),
            JoinFailures: measurements.JoinFailures,
            SteadySeconds: Math.Round(Stopwatch.GetElapsedTime(steadyFrom, steadyEnded).TotalSeconds, 1),
            TotalSeconds: Math.Round(Stopwatch.GetElapsedTime(runStarted).TotalSeconds, 1),
            AnswersSent: measurements.AnswersSent,
            AnswersAcknowledged: measurements.AnswersAcked,
            AnswersRefused: measurements.AnswersRefused,
            AnswerErrors: measurements.AnswerErrors,
            QuestionsChecked: verifications.Sum(v => v.QuestionsChecked),
            Lost: verifications.Sum(v => v.Lost),
            VerificationFailures: verifyFailures,
            Heartbeats: measurements.Heartbeats,
            HeartbeatErrors: measurements.HeartbeatErrors,
            Reconnects: measurements.Reconnects,
            GridRowsReceived: measurements.RowsReceived,
            AnswersNotSeenOnGrid: measurements.DashboardUnseen,
            ToolCpuSeconds: Math.Round(cpu.TotalSeconds, 1),
            Steady: new LatencySet(measurements.AnswerAck.Summary(steadyFrom), measurements.AnswerToDashboard.Summary(steadyFrom), measurements.Heartbeat.Summary(steadyFrom)),
            WholeRun: new LatencySet(measurements.AnswerAck.Summary(), measurements.AnswerToDashboard.Summary(), measurements.Heartbeat.Summary()),
            Joining: new JoinLatencies(measurements.SignIn.Summary(), measurements.CheckIn.Summary(), measurements.Admission.Summary(), measurements.AdmitCall.Summary(), measurements.StartAndOpen.Summary()),
            Errors: measurements.Errors.Concat(verifications.SelectMany(v => v.Differences).Take(20)).ToList());
    }

    private static async Task ReportAsync(Measurements measurements, long runStarted, TextWriter log, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await log.WriteLineAsync($"  {Stopwatch.GetElapsedTime(runStarted).TotalSeconds,5:0} s  answers {measurements.AnswersAcked}/{measurements.AnswersSent} acked, "
                    + $"{measurements.AnswerErrors} errors; heartbeats {measurements.Heartbeats} ({measurements.HeartbeatErrors} errors); grid rows {measurements.RowsReceived}; load {LoadAverage()}");
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>The machine's 1-, 5- and 15-minute load averages (Linux), to show how busy the shared box was.</summary>
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";
}
