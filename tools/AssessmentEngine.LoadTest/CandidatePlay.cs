using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;

namespace AssessmentEngine.LoadTest;

/// <summary>What one candidate's run found when it checked the engine's copy of their answers.</summary>
public sealed record Verification(int QuestionsChecked, int Lost, IReadOnlyList<string> Differences);

/// <summary>
/// One candidate, played as the test page plays them: sign in, check in, wait for admission, start, open the test, join
/// the live connection; then a heartbeat every few seconds and an answer every so often, each answer kept in an outbox
/// until the engine acknowledges its sequence number (resent with the next one otherwise). At the end, a fresh open —
/// what a reload restores — must return the last acknowledged answer to every question.
/// </summary>
public sealed class CandidatePlay(int index, SetupCandidate who, LoadSetup setup, LoadOptions options, InvigilatorScreen invigilator, Measurements measurements)
    : IAsyncDisposable
{
    private static readonly TimeSpan ClockEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AdmissionGivesUpAfter = TimeSpan.FromMinutes(10);

    private readonly EngineClient _client = new(options.Node(index));
    private readonly Random _answers = new(HashCode.Combine(options.Seed, index, 1));
    private readonly Random _beats = new(HashCode.Combine(options.Seed, index, 2));
    private readonly Random _press = new(HashCode.Combine(options.Seed, index, 3));
    private readonly string _page = $"load-{who.CandidateNumber}-{Guid.NewGuid():N}"[..40];
    private readonly AnswerOutbox<PaperResponse> _outbox = new();
    private readonly HashSet<int> _answered = [];
    private HubConnection? _hub;
    private Guid _attemptId;
    private string _token = "";
    private IReadOnlyList<PaperItem> _items = [];
    private readonly TaskCompletionSource<long> _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _heartbeating;
    private CancellationTokenSource? _leaving;
    private int _answersMade;

    public bool Joined { get; private set; }

    /// <summary>The engine has said (by push or clock) that this candidate is admitted.</summary>
    public bool Admitted => _admitted.Task.IsCompletedSuccessfully;

    public bool Submitted { get; private set; }

    /// <summary>
    /// Stress: signs in and gets as far as an open test page; joining is throttled by <paramref name="joining"/>, admission
    /// waits outside it. The time from <paramref name="arrived"/> (the candidate sat down) to the first item on screen is timed.
    /// </summary>
    public async Task JoinAsync(SemaphoreSlim joining, long arrived, CancellationToken cancellationToken)
    {
        await CheckInAsync(joining, cancellationToken);
        var waiting = Stopwatch.GetTimestamp();
        await invigilator.AdmitAsync(who.CandidateId);
        measurements.Admission.Add(waiting);
        var firstItem = await OpenAsync(joining, pressStart: true, cancellationToken);
        measurements.SignInToFirstItem.Add(arrived, firstItem);
    }

    /// <summary>
    /// Exam day: signs in, checks in and joins the live connection (heartbeating from then on, as the waiting page does);
    /// the invigilator ticks the candidate's identity; the candidate waits for the push that says they are admitted (the
    /// clock asked every 30 s as well), then for the start: with <c>--start-by room</c> the push that says the test has
    /// started, after which the test page is opened (a candidate admitted after their invigilator started the room presses
    /// Start, counted as late); with <c>--start-by candidates</c> the candidate presses Start at a random moment within a
    /// minute of <paramref name="startAt"/>. Arrival → admitted and arrival → first item are timed from <paramref name="arrived"/>.
    /// </summary>
    public async Task ArriveAsync(SemaphoreSlim joining, long arrived, long startAt, Func<long> until, CancellationToken cancellationToken)
    {
        await CheckInAsync(joining, cancellationToken);
        _leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _heartbeating = EveryAsync(options.HeartbeatSeconds, _beats, until, HeartbeatAsync, _leaving.Token);
        try
        {
            var waiting = Stopwatch.GetTimestamp();
            invigilator.Tick(who.CandidateId, refusal => _admitted.TrySetException(refusal));
            var admittedAt = await AdmittedAsync(cancellationToken);
            measurements.Admission.Add(waiting, admittedAt);
            measurements.ArrivalToAdmitted.Add(arrived, admittedAt);

            long firstItem;
            if (options.StartBy == "room")
            {
                firstItem = await StartedByRoomAsync(joining, cancellationToken);
            }
            else
            {
                var pressAt = startAt + (long)(_press.NextDouble() * 60 * Stopwatch.Frequency);
                if (admittedAt > pressAt)
                {
                    measurements.StartedLate();
                }

                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), pressAt);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                firstItem = await OpenAsync(joining, pressStart: true, cancellationToken);
            }

            measurements.SignInToFirstItem.Add(arrived, firstItem);
        }
        catch
        {
            await _leaving.CancelAsync();
            await _heartbeating.ContinueWith(_ => { }, TaskScheduler.Default);
            _heartbeating = null;
            throw;
        }
    }

    /// <summary>Signs in, checks in with the access code and joins the candidate hub (timed as check-in + live connection).</summary>
    private async Task CheckInAsync(SemaphoreSlim joining, CancellationToken cancellationToken)
    {
        await joining.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var secret = options.SignIn == "code" && who.SignInCode is { } code ? code : setup.CandidatePassword;
            await _client.SignInAsCandidateAsync(setup.CentreNumber, who.CandidateNumber, secret, cancellationToken);
            measurements.SignIn.Add(started);

            started = Stopwatch.GetTimestamp();
            var sitting = $"/candidate/sittings/{setup.SittingId}";
            using (var checkedIn = await _client.PostFormAsync(sitting, sitting, [new("accessCode", setup.AccessCode)], cancellationToken))
            {
                var location = checkedIn.Headers.Location?.OriginalString ?? "";
                if (checkedIn.StatusCode != HttpStatusCode.Redirect || !Guid.TryParse(location.Split('/').Last(), out _attemptId))
                {
                    throw new LoadException($"check-in of {who.CandidateNumber} answered {(int)checkedIn.StatusCode} {location}");
                }
            }

            _hub = _client.Hub("/hubs/candidate");
            _hub.On<Clock>("StateChanged", clock => Told(clock, Stopwatch.GetTimestamp()));
            _hub.On<object>("MessageReceived", _ => { });
            _hub.Reconnected += async _ =>
            {
                measurements.Reconnected();
                Told(await _hub.InvokeAsync<Clock>("Join", _attemptId), Stopwatch.GetTimestamp());
            };
            await _hub.StartAsync(cancellationToken);
            Told(await _hub.InvokeAsync<Clock>("Join", _attemptId, cancellationToken), Stopwatch.GetTimestamp());
            measurements.CheckIn.Add(started);
        }
        finally
        {
            joining.Release();
        }
    }

    /// <summary>What the engine says of the attempt, by push or clock, received at <paramref name="at"/>.</summary>
    private void Told(Clock clock, long at)
    {
        switch (clock.Status)
        {
            case "Admitted":
                _admitted.TrySetResult(at);
                break;
            case "InProgress":
                _admitted.TrySetResult(at);
                _started.TrySetResult(at);
                break;
            case "Refused" or "Voided":
                _admitted.TrySetException(new LoadException($"{who.CandidateNumber}'s attempt is {clock.Status}"));
                break;
        }
    }

    /// <summary>When the candidate learned they were admitted: the push, or the clock the page asks for every 30 s.</summary>
    private async Task<long> AdmittedAsync(CancellationToken cancellationToken)
    {
        var givingUp = Stopwatch.GetTimestamp() + (long)(AdmissionGivesUpAfter.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            using var polling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var poll = Task.Delay(ClockEvery, polling.Token);
            if (await Task.WhenAny(_admitted.Task, poll) == _admitted.Task)
            {
                await polling.CancelAsync();
                return await _admitted.Task;
            }

            await poll;
            if (Stopwatch.GetTimestamp() > givingUp)
            {
                throw new LoadException($"{who.CandidateNumber} not admitted {AdmissionGivesUpAfter.TotalMinutes:0} minutes after checking in");
            }

            try
            {
                Told(await _client.GetJsonAsync<Clock>($"/api/attempts/{_attemptId}/clock", cancellationToken), Stopwatch.GetTimestamp());
            }
            catch (Exception exception) when (exception is HttpRequestException or LoadException or System.Text.Json.JsonException)
            {
                // The page tries again at the next check; so does the candidate.
            }
        }
    }

    /// <summary>
    /// The test started by the room's start (the push, or the clock once the invigilator's call has returned): the test
    /// page opened, timed from the moment the invigilator called StartRoom. A candidate the room's start did not cover
    /// presses Start, counted as late.
    /// </summary>
    private async Task<long> StartedByRoomAsync(SemaphoreSlim joining, CancellationToken cancellationToken)
    {
        await Task.WhenAny(_started.Task, invigilator.RoomStartReturned).WaitAsync(cancellationToken);
        if (!_started.Task.IsCompleted)
        {
            // The call has returned; the push may still be on its way. The clock says which.
            try
            {
                Told(await _client.GetJsonAsync<Clock>($"/api/attempts/{_attemptId}/clock", cancellationToken), Stopwatch.GetTimestamp());
            }
            catch (Exception exception) when (exception is HttpRequestException or LoadException or System.Text.Json.JsonException)
            {
                // Then the candidate presses Start, as one whose page did not move on would.
            }
        }

        // One invigilator calls StartRoom at the start time for the whole sitting: that call is the moment timed (each
        // screen knows it, see InvigilatorScreen.FollowAsync).
        if (_started.Task.IsCompleted && await invigilator.RoomStartCalled.WaitAsync(cancellationToken) is long called)
        {
            var firstItem = await OpenAsync(joining, pressStart: false, cancellationToken);
            measurements.RoomStartToFirstItem.Add(called, firstItem);
            return firstItem;
        }

        measurements.StartedLate();
        return await OpenAsync(joining, pressStart: true, cancellationToken);
    }

    /// <summary>
    /// Presses Start if asked (the attempt page's form), loads the test page for its script token and opens the test:
    /// the items on screen. Timed (press → first item) when Start was pressed; returns when the items came.
    /// </summary>
    private async Task<long> OpenAsync(SemaphoreSlim joining, bool pressStart, CancellationToken cancellationToken)
    {
        await joining.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var attempt = $"/candidate/attempts/{_attemptId}";
            if (pressStart)
            {
                using var start = await _client.PostFormAsync(attempt, $"{attempt}?handler=Start", [], cancellationToken);
                if (start.StatusCode != HttpStatusCode.Redirect)
                {
                    throw new LoadException($"start of {who.CandidateNumber} answered {(int)start.StatusCode}");
                }
            }

            _token = await _client.ScriptTokenAsync($"{attempt}/test", cancellationToken);
            var opened = await _client.PostJsonAsync<OpenedAttempt>($"/api/attempts/{_attemptId}/open", new { page = _page }, _token, cancellationToken);
            _items = opened.Items;
            _outbox.StartAbove(opened.LastSequence);
            var firstItem = Stopwatch.GetTimestamp();
            if (pressStart)
            {
                measurements.StartAndOpen.Add(started, firstItem);
            }

            Joined = true;
            return firstItem;
        }
        finally
        {
            joining.Release();
        }
    }

    /// <summary>Heartbeats and answers on their own schedules, each jittered by ±10 %, until <paramref name="until"/> (a Stopwatch timestamp, set once everyone is in).</summary>
    public Task PlayAsync(Func<long> until, CancellationToken cancellationToken) => Task.WhenAll(
        _heartbeating ?? EveryAsync(options.HeartbeatSeconds, _beats, until, HeartbeatAsync, cancellationToken),
        EveryAsync(options.AnswerEverySeconds, _answers, until, AnswerAsync, cancellationToken));

    private static async Task EveryAsync(double seconds, Random random, Func<long> until, Func<CancellationToken, Task> act, CancellationToken cancellationToken)
    {
        // The first one at a random point of the first period, so that candidates do not act in step.
        var next = Stopwatch.GetTimestamp() + (long)(random.NextDouble() * seconds * Stopwatch.Frequency);
        while (next < until())
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (next >= until())
            {
                break;
            }

            await act(cancellationToken);
            next += (long)(seconds * (0.9 + 0.2 * random.NextDouble()) * Stopwatch.Frequency);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            measurements.HeartbeatSent();
            await _hub!.InvokeAsync("Heartbeat", _attemptId, cancellationToken);
            measurements.Heartbeat.Add(started);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            measurements.HeartbeatFailed(exception.Message);
        }
    }

    /// <summary>
    /// The next question in turn (re-answered with another response once all have answers), into the outbox, then the
    /// whole outbox sent. An answer to a question not yet answered raises the grid's answered count: the invigilator
    /// screen is told which count to wait for.
    /// </summary>
    private async Task AnswerAsync(CancellationToken cancellationToken)
    {
        var item = _items[_answersMade++ % _items.Count];
        var sentAt = Stopwatch.GetTimestamp();
        if (_answered.Add(item.Number))
        {
            invigilator.Expect(who.CandidateId, _answered.Count, sentAt);
        }

        _outbox.Add(item.Number, ResponseFor(item), sentAt);
        measurements.AnswerSent();
        await FlushAsync(tries: 3, cancellationToken);
    }

    private PaperResponse ResponseFor(PaperItem item)
    {
        string Pick(IReadOnlyList<PaperChoice> choices) => choices[_answers.Next(choices.Count)].Id;
        return item.Type switch
        {
            "single" or "truefalse" when item.Options.Count > 0 => new PaperResponse(Choice: Pick(item.Options)),
            "multiple" when item.Options.Count > 0 => new PaperResponse(Choices: item.Options.Select(o => o.Id).Where(_ => _answers.Next(2) == 0)
                .DefaultIfEmpty(Pick(item.Options)).ToList()),
            "match" when item.Prompts.Count > 0 && item.Answers.Count > 0 => new PaperResponse(Matches: item.Prompts
                .ToDictionary(p => p.Id, _ => Pick(item.Answers))),
            _ => new PaperResponse(Text: string.Create(CultureInfo.InvariantCulture,
                $"Answer {_outbox.LastSequence + 1} from {who.CandidateNumber}: the service standard is published, measured and reported to the public each quarter.")),
        };
    }

    /// <summary>Sends everything unacknowledged; retried with a short back-off, then left for the next answer.</summary>
    private async Task FlushAsync(int tries, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= tries && _outbox.Count > 0; attempt++)
        {
            try
            {
                var result = await _client.PostJsonAsync<SaveResult>($"/api/attempts/{_attemptId}/answers",
                    new SaveRequest(_page, _outbox.Batch().Select(c => new PageChange(c.Sequence, c.Item, c.Change)).ToList()), _token, cancellationToken);
                var settled = _outbox.Settle(result.Acknowledged, result.Refused.Select(r => r.Sequence));
                foreach (var (_, _, _, firstSentAt) in settled.Acknowledged)
                {
                    measurements.AnswerAcked();
                    measurements.AnswerAck.Add(firstSentAt);
                }

                foreach (var _ in settled.Refused)
                {
                    measurements.AnswerRefused();
                }

                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                measurements.AnswerFailed(exception.Message);
                if (attempt < tries)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                }
            }
        }
    }

    /// <summary>Sends what is left, then opens the test afresh and compares what it restores with what was acknowledged.</summary>
    public async Task<Verification> VerifyAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(tries: 5, cancellationToken);
        var opened = await _client.PostJsonAsync<OpenedAttempt>($"/api/attempts/{_attemptId}/open", new { page = _page }, _token, cancellationToken);
        var differences = new List<string>();
        foreach (var (number, (response, sequence)) in _outbox.Acknowledged)
        {
            if (!opened.Answers.TryGetValue(number, out var saved) || saved.Sequence != sequence || Describe(saved.Response) != Describe(response))
            {
                differences.Add($"{who.CandidateNumber} question {number}: acknowledged #{sequence} {Describe(response)}, restored "
                    + (saved is null ? "nothing" : $"#{saved.Sequence} {Describe(saved.Response)}"));
            }
        }

        differences.AddRange(_outbox.Waiting.Select(o => $"{who.CandidateNumber} #{o.Sequence} (question {o.Item}) never acknowledged"));
        return new Verification(_outbox.Acknowledged.Count, differences.Count, differences);
        static string Describe(PaperResponse r) => string.Join("|",
            r.Choice ?? "", string.Join(",", r.Choices ?? []), string.Join(",", (r.Matches ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}")), r.Text ?? "");
    }

    /// <summary>Sends what is left in the outbox and submits, as the page's submit button does; the submission is timed.</summary>
    public async Task SubmitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(tries: 3, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var receipt = await _client.PostJsonAsync<SubmitReceipt>($"/api/attempts/{_attemptId}/submit", new { page = _page }, _token, cancellationToken);
            Submitted = receipt.AttemptId == _attemptId && !string.IsNullOrEmpty(receipt.Receipt);
            measurements.Submit.Add(started);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            measurements.SubmitFailed($"{who.CandidateNumber}: {exception.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _client.Dispose();
        _leaving?.Dispose();
    }
}
