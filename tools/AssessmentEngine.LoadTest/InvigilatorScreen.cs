using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AssessmentEngine.LoadTest;

/// <summary>
/// One invigilator: signed in, watching the sitting's whole grid over the hub, admitting their share of the candidates
/// as they check in. It times each of those candidates' answers from the moment the candidate sent it to the first grid
/// row whose answered count includes it.
/// </summary>
public sealed class InvigilatorScreen(LoadOptions options, LoadSetup setup, string email, Measurements measurements) : IAsyncDisposable
{
    private readonly EngineClient _client = new(options.Url);
    private readonly ConcurrentDictionary<Guid, Expectations> _expected = new();
    private readonly Channel<(Guid CandidateId, TaskCompletionSource Done)> _admissions = Channel.CreateUnbounded<(Guid, TaskCompletionSource)>();
    private HubConnection? _hub;
    private Task? _admitting;

    /// <summary>Answers still waiting to show on the grid, per candidate: the answered count each needs and when it was sent.</summary>
    private sealed class Expectations
    {
        public List<(int Answered, long SentAt)> Pending { get; } = [];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _client.SignInAsStaffAsync(email, setup.StaffPassword, cancellationToken);
        _hub = _client.Hub("/hubs/invigilation");
        _hub.On<DashboardRow>("CandidateChanged", Seen);
        _hub.On<Dashboard>("SittingChanged", _ => { });
        _hub.On<string>("Logged", _ => { });
        _hub.Reconnected += async _ =>
        {
            measurements.Reconnected();
            await _hub.InvokeAsync<Dashboard>("Watch", setup.SittingId);
        };
        await _hub.StartAsync(cancellationToken);
        await _hub.InvokeAsync<Dashboard>("Watch", setup.SittingId, cancellationToken);
        _admitting = Task.Run(() => AdmitLoopAsync(cancellationToken), cancellationToken);
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
        if (_admitting is not null)
        {
            await _admitting.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _client.Dispose();
    }
}
