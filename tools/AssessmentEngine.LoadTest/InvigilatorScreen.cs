using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AssessmentEngine.LoadTest;

/// <summary>
/// One invigilator: signed in, watching the sitting's whole grid over the hub, admitting their share of the candidates
/// as they check in — on exam day by ticking each one's identity and admitting everyone ticked in one call every few
/// seconds, then starting the room at the start time; under stress one call per candidate. It times each of those
/// candidates' answers from the moment the candidate sent it to the first grid row whose answered count includes it.
/// </summary>
public sealed class InvigilatorScreen(LoadOptions options, LoadSetup setup, string email, Uri node, Measurements measurements) : IAsyncDisposable
{
    /// <summary>The most ids the engine takes in one AdmitTicked call.</summary>
    private const int AdmitChunk = 500;

    private readonly EngineClient _client = new(node);
    private readonly ConcurrentDictionary<Guid, Expectations> _expected = new();
    private readonly Channel<(Guid CandidateId, TaskCompletionSource Done)> _admissions = Channel.CreateUnbounded<(Guid, TaskCompletionSource)>();
    private readonly ConcurrentQueue<(Guid CandidateId, Action<Exception> Refused)> _ticked = new();
    private readonly TaskCompletionSource<long?> _roomStartCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _roomStartReturned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HubConnection? _hub;
    private Task? _admitting;
    private CancellationTokenSource? _closing;

    /// <summary>Answers still waiting to show on the grid, per candidate: the answered count each needs and when it was sent.</summary>
    private sealed class Expectations
    {
        public List<(int Answered, long SentAt)> Pending { get; } = [];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _client.SignInAsStaffAsync(email, setup.StaffPassword, cancellationToken);
        _hub = _client.Hub("/hubs/invigilation");
        _hub.On<DashboardRow[]>("CandidatesChanged", rows =>
        {
            measurements.GridMessage();
            Array.ForEach(rows, Seen);
        });
        _hub.On<DashboardRow>("CandidateChanged", row =>
        {
            measurements.GridMessage();
            Seen(row);
        });
        _hub.On<JsonElement>("CandidatesSeen", _ => { });
        _hub.On<Dashboard>("SittingChanged", _ => { });
        _hub.On<string>("Logged", _ => { });
        _hub.Reconnected += async _ =>
        {
            measurements.Reconnected();
            await _hub.InvokeAsync<Dashboard>("Watch", setup.SittingId);
        };
        await _hub.StartAsync(cancellationToken);
        await _hub.InvokeAsync<Dashboard>("Watch", setup.SittingId, cancellationToken);
        _closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var admitting = _closing.Token;
        _admitting = Task.Run(() => options.ExamDay ? AdmitTickedLoopAsync(admitting) : AdmitLoopAsync(admitting), admitting);
    }

    /// <summary>
    /// Exam day: the invigilator has checked this candidate's identity; the next AdmitTicked call names them.
    /// <paramref name="refused"/> is told if the engine refuses them or the call fails.
    /// </summary>
    public void Tick(Guid candidateId, Action<Exception> refused) => _ticked.Enqueue((candidateId, refused));

    /// <summary>When this invigilator called StartRoom (a Stopwatch timestamp, whether or not the call then succeeded); null if they never did.</summary>
    public Task<long?> RoomStartCalled => _roomStartCalled.Task;

    /// <summary>Completes once this invigilator's StartRoom call has returned (or failed).</summary>
    public Task RoomStartReturned => _roomStartReturned.Task;

    /// <summary>Exam day: another invigilator of the room started it; this screen's candidates are timed from their call.</summary>
    public async Task FollowAsync(InvigilatorScreen starter)
    {
        _roomStartCalled.TrySetResult(await starter.RoomStartCalled);
        await starter.RoomStartReturned;
        _roomStartReturned.TrySetResult();
    }

    /// <summary>Exam day: starts the test of every admitted candidate of the sitting in one call, timed.</summary>
    public async Task<RoomStart?> StartRoomAsync(CancellationToken cancellationToken)
    {
        var called = Stopwatch.GetTimestamp();
        try
        {
            _roomStartCalled.TrySetResult(called);
            var started = await _hub!.InvokeAsync<RoomStart>("StartRoom", setup.SittingId, cancellationToken);
            measurements.StartRoomCall.Add(called);
            foreach (var refusal in started.Refused ?? [])
            {
                measurements.StartRefused($"{refusal.CandidateNumber}: {refusal.Reason}");
            }

            return started;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            measurements.InvigilatorCallFailed($"StartRoom by {email}: {exception.Message}");
            return null;
        }
        finally
        {
            _roomStartReturned.TrySetResult();
        }
    }

    /// <summary>Admits a checked-in candidate (identity checked), in turn with the others, at the screen's pace.</summary>
    public Task AdmitAsync(Guid candidateId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _admissions.Writer.TryWrite((candidateId, done));
        return done.Task;
    }

    /// <summary>The candidate is sending an answer that makes their answered count <paramref name="answered"/>.</summary>
    public void Expect(Guid candidateId, int answered, long sentAt)
    {
        var expectations = _expected.GetOrAdd(candidateId, _ => new Expectations());
        lock (expectations)
        {
            expectations.Pending.Add((answered, sentAt));
        }
    }

    /// <summary>Answers never seen on the grid; called once the run is over.</summary>
    public int Unseen() => _expected.Values.Sum(e =>
    {
        lock (e)
        {
            return e.Pending.Count;
        }
    });

    private void Seen(DashboardRow row)
    {
        var arrived = Stopwatch.GetTimestamp();
        measurements.RowReceived();
        if (!_expected.TryGetValue(row.CandidateId, out var expectations))
        {
            return;
        }

        lock (expectations)
        {
            foreach (var (_, sentAt) in expectations.Pending.Where(p => p.Answered <= row.Answered))
            {
                measurements.AnswerToDashboard.Add(sentAt, arrived);
            }

            expectations.Pending.RemoveAll(p => p.Answered <= row.Answered);
        }
    }

    /// <summary>Every few seconds, one AdmitTicked call (500 ids at most each) with everyone ticked since the last.</summary>
    private async Task AdmitTickedLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.AdmitEverySeconds));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var ticked = new List<(Guid CandidateId, Action<Exception> Refused)>();
            while (_ticked.TryDequeue(out var candidate))
            {
                ticked.Add(candidate);
            }

            foreach (var chunk in ticked.Chunk(AdmitChunk))
            {
                await AdmitTickedAsync(chunk, cancellationToken);
            }
        }
    }

    private async Task AdmitTickedAsync((Guid CandidateId, Action<Exception> Refused)[] chunk, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var call = Stopwatch.GetTimestamp();
                var summary = await _hub!.InvokeAsync<AdmissionSummary>("AdmitTicked", setup.SittingId, chunk.Select(c => c.CandidateId).ToArray(), cancellationToken);
                measurements.AdmitCall.Add(call);
                var refusals = (summary.Refused ?? []).ToDictionary(r => r.CandidateId);
                foreach (var (candidateId, refused) in chunk)
                {
                    if (refusals.TryGetValue(candidateId, out var refusal))
                    {
                        measurements.AdmissionRefused($"{refusal.CandidateNumber}: {refusal.Reason}");
                        refused(new LoadException($"admission refused: {refusal.Reason}"));
                    }
                }

                return;
            }
            catch (Exception exception) when (attempt < 5 && exception is HubException or IOException or InvalidOperationException)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                measurements.InvigilatorCallFailed($"AdmitTicked by {email}: {exception.Message}");
                foreach (var (_, refused) in chunk)
                {
                    refused(new LoadException($"admission failed: {exception.Message}"));
                }

                return;
            }
        }
    }

    private async Task AdmitLoopAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1.0 / options.AdmitsPerSecond);
        await foreach (var (candidateId, done) in _admissions.Reader.ReadAllAsync(cancellationToken))
        {
            var started = Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var call = Stopwatch.GetTimestamp();
                    await _hub!.InvokeAsync("Admit", setup.SittingId, candidateId, true, cancellationToken);
                    measurements.AdmitCall.Add(call);
                    done.TrySetResult();
                    break;
                }
                catch (Exception exception) when (attempt < 5 && exception is HubException or IOException or InvalidOperationException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    done.TrySetException(new LoadException($"admission refused: {exception.Message}"));
                    break;
                }
            }

            var left = interval - Stopwatch.GetElapsedTime(started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _admissions.Writer.TryComplete();
        if (_closing is not null)
        {
            await _closing.CancelAsync();
        }

        _roomStartCalled.TrySetResult(null);
        _roomStartReturned.TrySetResult();
        if (_admitting is not null)
        {
            await _admitting.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _client.Dispose();
        _closing?.Dispose();
    }
}
