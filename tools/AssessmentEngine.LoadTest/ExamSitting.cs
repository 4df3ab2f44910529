using System.Diagnostics;

namespace AssessmentEngine.LoadTest;

/// <summary>
/// The exam. On exam day (the default flow) N candidates arrive over the minutes before the start time (sign in, check
/// in, wait to be admitted), the invigilators (one per 100 candidates) admit their share in batches and start the room
/// at the start time; under stress they arrive within the same minute and are admitted one call each and press Start.
/// Once everyone is in, each candidate heartbeats and answers on schedule for the steady state; then every candidate's
/// answers are checked against a fresh open, and everyone submits within the submission window.
/// </summary>
public static class ExamSitting
{
    /// <summary>How long the engine's memory is read before anyone arrives: its idle footprint.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    /// <summary>The figure the exam day is held to: every candidate admitted within two minutes of arriving.</summary>
    private const double AdmittedWithinMs = 120_000;

    public static async Task<RunResults> RunAsync(LoadOptions options, LoadSetup setup, TextWriter log, CancellationToken cancellationToken)
    {
        var measurements = new Measurements();
        var people = setup.Candidates.Take(options.Candidates).ToList();
        var needed = (people.Count + options.PerInvigilator - 1) / options.PerInvigilator;
        if (setup.Invigilators.Count < needed)
        {
            throw new ArgumentException($"{options.Setup} has {setup.Invigilators.Count} invigilators; {people.Count} candidates at {options.PerInvigilator} each need {needed}.");
        }

        await using var usage = new ProcessSampler(options.Urls);
        usage.Phase("idle");
        var idleMb = await usage.EngineMemoryMbAsync(Idle, cancellationToken);
        await log.WriteLineAsync($"engine idle: {idleMb:0} MB PSS over {Idle.TotalSeconds:0} s ({usage.EngineProcessesSeen} engine process(es)); nodes {string.Join(", ", options.Urls)}");
        usage.Phase(options.ExamDay ? "arrival" : "start");

        var runStarted = Stopwatch.GetTimestamp();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var loadAtStart = LoadAverage();

        var screens = setup.Invigilators.Take(needed).Select((email, index) => new InvigilatorScreen(options, setup, email, options.Node(index), measurements)).ToList();
        await Task.WhenAll(screens.Select(screen => screen.StartAsync(cancellationToken)));
        // Exam day: arrivals spread over the minutes before the start time, which is that long after the run starts.
        var arrivalSeconds = options.ExamDay ? options.ArriveMinutes * 60 : options.StartSeconds;
        await log.WriteLineAsync(options.ExamDay
            ? $"{screens.Count} invigilators watching sitting {setup.SittingId}; {people.Count} candidates arrive over {options.ArriveMinutes:0.#} min, "
                + $"admitted every {options.AdmitEverySeconds:0.#} s; the start in {options.ArriveMinutes:0.#} min by {options.StartBy}"
            : $"{screens.Count} invigilators watching sitting {setup.SittingId}; {people.Count} candidates arrive over {options.StartSeconds:0} s");

        var plays = people.Select((who, index) => new CandidatePlay(index, who, setup, options, screens[index % screens.Count], measurements)).ToList();
        using var joining = new SemaphoreSlim(options.JoinConcurrency);
        var startEnds = runStarted + (long)(arrivalSeconds * Stopwatch.Frequency);
        var joined = 0;
        long steadyFrom = 0, until = long.MaxValue;
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task CandidateAsync(CandidatePlay play, int index)
        {
            var offset = people.Count <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(arrivalSeconds * index / people.Count);
            await Task.Delay(offset, cancellationToken);
            try
            {
                if (options.ExamDay)
                {
                    await play.ArriveAsync(joining, Stopwatch.GetTimestamp(), startEnds, () => Volatile.Read(ref until), cancellationToken);
                }
                else
                {
                    await play.JoinAsync(joining, Stopwatch.GetTimestamp(), cancellationToken);
                }
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
        var starting = options.ExamDay ? StartAsync(screens, options, startEnds, usage, log, cancellationToken) : Task.CompletedTask;
        var progress = Task.Run(async () =>
        {
            while (!allJoined.Task.IsCompleted)
            {
                await Task.WhenAny(allJoined.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
                await log.WriteLineAsync($"  {Stopwatch.GetElapsedTime(runStarted).TotalSeconds,5:0} s  "
                    + (options.ExamDay ? $"admitted {plays.Count(p => p.Admitted)}/{people.Count}, " : "")
                    + $"joined {plays.Count(p => p.Joined)}/{people.Count}, failures {measurements.JoinFailures}; load {LoadAverage()}");
            }
        }, cancellationToken);

        // Candidates play as soon as they are in; the steady state starts when the last one is in (or, at the earliest,
        // when the arrivals end: the start minute under stress, the start time on exam day).
        await allJoined.Task.WaitAsync(cancellationToken);
        await starting;
        steadyFrom = Math.Max(Stopwatch.GetTimestamp(), startEnds);
        usage.Phase("steady state");
        var allInAfter = Stopwatch.GetElapsedTime(runStarted).TotalSeconds;
        Volatile.Write(ref until, steadyFrom + (long)(options.Minutes * 60 * Stopwatch.Frequency));
        await progress;
        await log.WriteLineAsync($"all in after {allInAfter:0} s ({plays.Count(p => p.Joined)} joined); steady state for {options.Minutes:0.#} min");

        using var reporter = new CancellationTokenSource();
        var reporting = ReportAsync(measurements, runStarted, log, reporter.Token);
        await Task.WhenAll(running);
        await reporter.CancelAsync();
        await reporting;
        var steadyEnded = Stopwatch.GetTimestamp();

        // Rows for the last answers may still be on their way.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        measurements.Unseen(screens.Sum(screen => screen.Unseen()));

        usage.Phase("check");
        await log.WriteLineAsync("checking every candidate's answers against a fresh open");
        var (verifications, verifyFailures) = await VerifyAsync(plays, options, cancellationToken);

        var submission = await SubmitAsync(plays, options, measurements, usage, log, cancellationToken);
        usage.Phase("end");

        foreach (var play in plays)
        {
            await play.DisposeAsync();
        }

        foreach (var screen in screens)
        {
            await screen.DisposeAsync();
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        var phases = usage.Summary();
        var connected = plays.Count(p => p.Joined);
        var steadyMb = phases.FirstOrDefault(p => p.Phase == "steady state")?.Engine.MeanMemoryMb ?? 0;
        return new RunResults(
            Scenario: "exam",
            Flow: options.Flow,
            Nodes: options.Urls,
            EngineProcesses: usage.EngineProcessesSeen,
            StartedAt: DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(runStarted),
            Options: options,
            Machine: new MachineInfo(Environment.ProcessorCount, Environment.OSVersion.ToString(), Environment.Version.ToString(), loadAtStart, LoadAverage()),
            Candidates: people.Count,
            Invigilators: screens.Count,
            Joined: plays.Count(p => p.Joined),
            JoinFailures: measurements.JoinFailures,
            AllInSeconds: Math.Round(allInAfter, 1),
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
            GridMessagesReceived: measurements.GridMessages,
            AdmissionsRefused: measurements.AdmissionsRefused,
            StartsRefused: measurements.StartsRefused,
            InvigilatorCallErrors: measurements.InvigilatorCallErrors,
            StartedLate: measurements.LateStarters,
            AdmittedOverTwoMinutes: measurements.ArrivalToAdmitted.Over(AdmittedWithinMs),
            AnswersNotSeenOnGrid: measurements.DashboardUnseen,
            Submission: submission,
            ToolCpuSeconds: Math.Round(cpu.TotalSeconds, 1),
            Steady: new LatencySet(measurements.AnswerAck.Summary(steadyFrom), measurements.AnswerToDashboard.Summary(steadyFrom), measurements.Heartbeat.Summary(steadyFrom)),
            WholeRun: new LatencySet(measurements.AnswerAck.Summary(), measurements.AnswerToDashboard.Summary(), measurements.Heartbeat.Summary()),
            Joining: new JoinLatencies(measurements.SignInToFirstItem.Summary(), measurements.SignIn.Summary(), measurements.CheckIn.Summary(),
                measurements.Admission.Summary(), measurements.AdmitCall.Summary(), measurements.StartAndOpen.Summary(),
                measurements.ArrivalToAdmitted.Summary(), measurements.StartRoomCall.Summary(), measurements.RoomStartToFirstItem.Summary()),
            Memory: new EngineMemory(idleMb, steadyMb, connected, connected == 0 || steadyMb == 0 ? 0 : Math.Round((steadyMb - idleMb) / connected, 3)),
            Usage: phases,
            Errors: measurements.Errors.Concat(verifications.SelectMany(v => v.Differences).Take(20)).ToList());
    }

    /// <summary>
    /// Exam day: at the start time the first invigilator starts the room (one StartRoom call for the sitting), or,
    /// with --start-by candidates, the candidates press Start themselves and only the phase changes.
    /// </summary>
    private static async Task StartAsync(List<InvigilatorScreen> screens, LoadOptions options, long startAt, ProcessSampler usage, TextWriter log, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), startAt);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        usage.Phase("start");
        if (options.StartBy != "room")
        {
            await log.WriteLineAsync("the start time: candidates press Start within 60 s");
            return;
        }

        // One invigilator starts the room, as at a real desk; the others' candidates are timed from that call.
        var following = screens.Skip(1).Select(screen => screen.FollowAsync(screens[0])).ToList();
        var started = await screens[0].StartRoomAsync(cancellationToken);
        await Task.WhenAll(following);
        await log.WriteLineAsync(started is null ? "the start time: the room's start failed"
            : $"the start time: the room started: {started.Started} started, {started.AlreadyStarted} already started, {started.Refused?.Count ?? 0} refused");
    }

    /// <summary>Every candidate sends what is left and opens the test afresh; what it restores must be what was acknowledged.</summary>
    private static async Task<(List<Verification> Verifications, int Failures)> VerifyAsync(List<CandidatePlay> plays, LoadOptions options, CancellationToken cancellationToken)
    {
        var verifications = new List<Verification>();
        var failures = 0;
        foreach (var batch in plays.Where(p => p.Joined).Chunk(Math.Min(options.JoinConcurrency, 64)))
        {
            verifications.AddRange(await Task.WhenAll(batch.Select(async play =>
            {
                try
                {
                    return await play.VerifyAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                    return new Verification(0, 0, [$"verification failed: {exception.Message}"]);
                }
            })));
        }

        return (verifications, failures);
    }

    /// <summary>Everyone submits at a random moment within the window, as a room does when the invigilator calls time.</summary>
    private static async Task<SubmissionResult> SubmitAsync(List<CandidatePlay> plays, LoadOptions options, Measurements measurements, ProcessSampler usage, TextWriter log, CancellationToken cancellationToken)
    {
        var joined = plays.Where(p => p.Joined).ToList();
        if (options.SubmitSeconds <= 0 || joined.Count == 0)
        {
            return new SubmissionResult(0, 0, 0, 0, new Percentiles(0, 0, 0, 0, 0));
        }

        usage.Phase("submission");
        await log.WriteLineAsync($"{joined.Count} candidates submit within {options.SubmitSeconds:0} s");
        var random = new Random(options.Seed);
        var offsets = joined.Select(_ => TimeSpan.FromSeconds(random.NextDouble() * options.SubmitSeconds)).ToList();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(joined.Select((play, index) => Task.Run(async () =>
        {
            await Task.Delay(offsets[index], cancellationToken);
            await play.SubmitAsync(cancellationToken);
        }, cancellationToken)));
        var lastAfter = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new SubmissionResult(joined.Count, joined.Count(p => p.Submitted), joined.Count(p => !p.Submitted), Math.Round(lastAfter, 1), measurements.Submit.Summary());
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
