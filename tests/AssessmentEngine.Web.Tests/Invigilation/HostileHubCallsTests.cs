using System.Globalization;
using System.Reflection;
using System.Text;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.Invigilation.Admitting;
using AssessmentEngine.Web.Features.Invigilation.Pausing;
using AssessmentEngine.Web.Features.Invigilation.Voiding;
using AssessmentEngine.Web.Infrastructure.Jobs;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace AssessmentEngine.Web.Tests.Invigilation;

/// <summary>
/// Every public method of both hubs, called by real SignalR clients with hostile arguments: other centres' ids, candidates
/// in every wrong state, empty, duplicate and huge lists, empty and huge strings, out-of-range numbers and wrong JSON types.
/// Each call must be refused with a message a person can act on, leave the connection usable and store nothing. The
/// cases are generated from each method's parameters, so a new hub method cannot go without them.
/// </summary>
public sealed class HostileHubCallsTests(TestDatabase database, ITestOutputHelper output) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>Fits in one SignalR message (the engine accepts 64 KB) but is far longer than any reason or note.</summary>
    private const int HugeButDeliverable = 60_000;

    private const string Throttled = "Too many requests; slow down.";

    private readonly CapturedLogs _logs = new();
    private EngineFactory _engine = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web").WithServices(services => services.AddSingleton<ILoggerProvider>(_logs));
        _engine.UseKestrel(0);
        _engine.StartServer();
        _base = _engine.ClientOptions.BaseAddress;
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private enum Caller { Invigilator, Stranger, Candidate }

    /// <summary>How the engine must answer: a refusal of its own; a refusal, or SignalR's binding failure for a wrong JSON type; or the transport closing a connection whose message is over its size limit.</summary>
    private enum Expect { Refusal, RefusalOrBindingFailure, OverTransportLimit }

    private sealed record HostileCall(Caller Caller, string Method, string Parameter, string Why, object?[] Args, Expect Expect = Expect.Refusal);

    /// <summary>
    /// A call that would change something if its arguments were taken (so a hostile value that slips through shows), the
    /// parameters for which null, empty and blank are legitimate, and per candidate parameter the booked candidates
    /// whose state the method must refuse.
    /// </summary>
    private sealed record Baseline(Caller Caller, object?[] Args, string[]? Optional = null, Guid[]? WrongStates = null, (string Parameter, object? Value, string Why)[]? Extra = null);

    /// <summary>The people and states the cases are made of.</summary>
    private sealed record Room(SittingNow Sitting, SittingNow Elsewhere, Candidate Unbooked)
    {
        public Guid Id => Sitting.Sitting.Id;

        public Guid InProgress => Sitting.Candidates[0].Id;

        public Guid NotCheckedIn => Sitting.Candidates[1].Id;

        public Guid Waiting => Sitting.Candidates[2].Id;

        public Guid Admitted => Sitting.Candidates[3].Id;

        public Guid Submitted => Sitting.Candidates[4].Id;

        public Guid Voided => Sitting.Candidates[5].Id;

        public Guid Refused => Sitting.Candidates[6].Id;

        public Guid Paused => Sitting.Candidates[7].Id;

        public Guid AttemptOf(Guid candidateId) => CheckIn.IdFor(Id, candidateId);

        public Guid ElsewhereCandidate => Elsewhere.Candidates[0].Id;

        public Guid ElsewhereAttempt => CheckIn.IdFor(Elsewhere.Sitting.Id, ElsewhereCandidate);
    }

    [Fact]
    public async Task Every_hub_method_refuses_hostile_arguments_clearly_keeps_the_connection_and_stores_nothing()
    {
        var room = await RoomAsync();
        var cases = Cases(room, Baselines(room));

        using var invigilator = await LiveClient.StaffAsync(_base, room.Sitting.Invigilator.SignInName);
        using var stranger = await LiveClient.StaffAsync(_base, room.Elsewhere.Invigilator.SignInName);
        using var candidate = await LiveClient.CandidateAsync(_base, room.Sitting.Centre.Number, room.Sitting.Candidates[0].CandidateNumber);
        var clients = new Dictionary<Caller, (LiveClient Client, string Path, string Probe, object?[] ProbeArgs)>
        {
            [Caller.Invigilator] = (invigilator, "/hubs/invigilation", "Watch", [room.Id]),
            [Caller.Stranger] = (stranger, "/hubs/invigilation", "Watch", [room.Elsewhere.Sitting.Id]),
            // A heartbeat for an attempt not joined: refused, which shows the connection still works and stores nothing (a
            // real heartbeat's presence is written within the second, in the next call's window).
            [Caller.Candidate] = (candidate, "/hubs/candidate", "Heartbeat", [Guid.NewGuid()]),
        };
        var connections = new Dictionary<Caller, HubConnection>();
        foreach (var (caller, (client, path, _, _)) in clients)
        {
            connections[caller] = client.Hub(path);
            await connections[caller].StartAsync();
        }

        await connections[Caller.Candidate].InvokeCoreAsync("Join", typeof(object), [room.AttemptOf(room.InProgress)]);
        var snapshot = await StoreSnapshot.CreateAsync(database.ConnectionString);
        var failures = new List<string>();
        try
        {
            foreach (var call in cases)
            {
                var (client, path, probe, probeArgs) = clients[call.Caller];
                var before = await snapshot.TakeAsync();
                var logged = _logs.Count;
                var what = $"{call.Caller} {call.Method}({call.Parameter}: {call.Why})";
                if (call.Expect == Expect.OverTransportLimit)
                {
                    // A connection of its own: the transport may close it, which is a refusal too (the page reconnects).
                    await using var once = client.Hub(path);
                    var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    once.Closed += _ => Task.Run(closed.TrySetResult);
                    once.Reconnecting += _ => Task.Run(closed.TrySetResult);
                    await once.StartAsync();
                    var thrown = await Record.ExceptionAsync(() => once.InvokeCoreAsync(call.Method, typeof(object), call.Args));
                    output.WriteLine($"{what} -> {Said(thrown)}");
                    if (thrown is HubException or null)
                    {
                        if (Unclear(call, thrown) is { } unclear)
                        {
                            failures.Add($"{what}: {unclear}");
                        }
                    }
                    else if (await Record.ExceptionAsync(() => closed.Task.WaitAsync(Waits.Settle)) is not null)
                    {
                        failures.Add($"{what}: {thrown.GetType().Name} ({thrown.Message}) but the connection stayed open");
                    }
                }
                else
                {
                    var refusal = await RefusalAsync(connections[call.Caller], call.Method, call.Args);
                    output.WriteLine($"{what} -> {Said(refusal)}");
                    if (Unclear(call, refusal) is { } unclear)
                    {
                        failures.Add($"{what}: {unclear}");
                    }
                }

                var after = await snapshot.TakeAsync();
                if (after != before)
                {
                    failures.Add($"{what}: stored something: {StoreSnapshot.Difference(before, after)}");
                }

                foreach (var entry in _logs.Since(logged).Where(e => !Expected(call, e.Exception)))
                {
                    failures.Add($"{what}: the engine logged {entry.Exception.GetType().Name} ({entry.Category}): {entry.Exception.Message}");
                }

                if (connections[call.Caller].State != HubConnectionState.Connected
                    || await Record.ExceptionAsync(() => RefusalOrResultAsync(connections[call.Caller], probe, probeArgs)) is { } broken)
                {
                    failures.Add($"{what}: the connection is no longer usable ({connections[call.Caller].State})");
                    await connections[call.Caller].DisposeAsync();
                    connections[call.Caller] = client.Hub(path);
                    await connections[call.Caller].StartAsync();
                    if (call.Caller == Caller.Candidate)
                    {
                        await connections[call.Caller].InvokeCoreAsync("Join", typeof(object), [room.AttemptOf(room.InProgress)]);
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} hostile calls were not cleanly refused:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Every_public_method_of_both_hubs_has_a_baseline_and_so_hostile_cases()
    {
        var baselines = Baselines(null);
        var methods = HubMethods(typeof(InvigilationHub)).Concat(HubMethods(typeof(CandidateHub))).Select(m => m.Name).Order().ToList();
        Assert.Equal(methods, baselines.Keys.Order());
        Assert.Contains("Pause", methods); // the reflection finds the hubs' methods at all
        Assert.Contains("Join", methods);
    }

    // ------------------------------------------------------------------ the cases

    private static IEnumerable<MethodInfo> HubMethods(Type hub) =>
        hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName && !m.IsVirtual);

    /// <summary>One baseline per hub method (the room is null when only the names are wanted).</summary>
    private static Dictionary<string, Baseline> Baselines(Room? room)
    {
        var r = room ?? new Room(null!, null!, null!);
        Guid Of(Func<Room, Guid> id) => room is null ? Guid.Empty : id(r);
        var sitting = room is null ? Guid.Empty : r.Id;
        var inProgress = Of(x => x.InProgress);
        Guid[] NotUnderWay() => room is null ? [] : [r.NotCheckedIn, r.Waiting, r.Admitted, r.Submitted, r.Voided, r.Refused];
        return new Dictionary<string, Baseline>
        {
            ["Watch"] = new(Caller.Invigilator, [sitting]),
            ["Admit"] = new(Caller.Invigilator, [sitting, Of(x => x.Waiting), true], WrongStates: room is null ? [] : [r.NotCheckedIn, r.Voided],
                Extra: [("identityChecked", false, "identity not checked")]),
            ["Refuse"] = new(Caller.Invigilator, [sitting, Of(x => x.Waiting), "no photo identification"],
                WrongStates: room is null ? [] : [r.NotCheckedIn, r.InProgress, r.Submitted, r.Voided, r.Refused]),
            ["Pause"] = new(Caller.Invigilator, [sitting, new[] { inProgress }, "rest break"], Optional: ["reason"], WrongStates: NotUnderWay()),
            ["Resume"] = new(Caller.Invigilator, [sitting, new[] { Of(x => x.Paused) }], WrongStates: NotUnderWay()),
            ["ExtendTime"] = new(Caller.Invigilator, [sitting, new[] { inProgress }, 10, "the computer froze"], WrongStates: NotUnderWay()),
            ["Message"] = new(Caller.Invigilator, [sitting, new[] { inProgress }, "Ten minutes left."]),
            ["LogIncident"] = new(Caller.Invigilator, [sitting, "ILL", "felt faint", new[] { inProgress }],
                Extra: [("code", "NOPE", "a code the playbook does not have")]),
            ["Void"] = new(Caller.Invigilator, [sitting, inProgress, "notes found on the desk"], WrongStates: room is null ? [] : [r.NotCheckedIn, r.Waiting, r.Voided, r.Refused]),
            ["EndSitting"] = new(Caller.Invigilator, [sitting]),
            ["RotateCode"] = new(Caller.Invigilator, [sitting]),
            ["IssueSignInCode"] = new(Caller.Invigilator, [sitting, Of(x => x.Waiting)]),
            // A candidate in the wrong state is named in the summary, the others admitted: no wrong states that refuse the call.
            ["AdmitTicked"] = new(Caller.Invigilator, [sitting, new[] { Of(x => x.Waiting) }]),
            ["StartRoom"] = new(Caller.Invigilator, [sitting]),
            ["Join"] = new(Caller.Candidate, [Of(x => x.AttemptOf(x.InProgress))]),
            ["Heartbeat"] = new(Caller.Candidate, [Of(x => x.AttemptOf(x.InProgress))]),
            ["Focus"] = new(Caller.Candidate, [Of(x => x.AttemptOf(x.InProgress)), true]),
        };
    }

    /// <summary>For every parameter of every method, the baseline with that one argument made hostile; then the callers who have no business calling.</summary>
    private static List<HostileCall> Cases(Room room, Dictionary<string, Baseline> baselines)
    {
        var cases = new List<HostileCall>();
        var hubs = HubMethods(typeof(InvigilationHub)).Concat(HubMethods(typeof(CandidateHub)));
        foreach (var method in hubs)
        {
            var baseline = baselines[method.Name];
            var parameters = method.GetParameters();
            Assert.Equal(parameters.Length, baseline.Args.Length);
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = parameters[i];
                var name = parameter.Name!;
                var optional = baseline.Optional?.Contains(name) ?? false;
                HostileCall With(object? value, string why, Expect expect = Expect.Refusal)
                {
                    var args = (object?[])baseline.Args.Clone();
                    args[i] = value;
                    return new HostileCall(baseline.Caller, method.Name, name, why, args, expect);
                }

                var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                if (type == typeof(Guid))
                {
                    cases.AddRange(Ids(room, name).Select(id => With(id.Value, id.Why)));
                    cases.AddRange((baseline.WrongStates ?? []).Select(id => With(id, StateOf(room, id))));
                    cases.Add(With("not-a-guid", "a string where an id is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(42, "a number where an id is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(null, "null where an id is required", Expect.RefusalOrBindingFailure));
                    cases.Add(With(new string('7', 1 << 20), "1 MB where an id is expected", Expect.OverTransportLimit));
                }
                else if (type == typeof(Guid[]))
                {
                    var named = (Guid[])baseline.Args[i]!;
                    cases.Add(With(Array.Empty<Guid>(), "an empty list"));
                    cases.Add(With(named.Concat(named).ToArray(), "the same candidate twice"));
                    cases.Add(With(Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid()).ToArray(), "1,000 ids"));
                    cases.Add(With(Enumerable.Range(0, 100_000).Select(_ => Guid.NewGuid()).ToArray(), "100,000 ids", Expect.OverTransportLimit));
                    foreach (var (id, why) in Ids(room, "candidateId"))
                    {
                        cases.Add(With(new[] { id }, why));
                        cases.Add(With(named.Append(id).ToArray(), $"a good candidate and {why}"));
                    }

                    foreach (var id in baseline.WrongStates ?? [])
                    {
                        cases.Add(With(new[] { id }, StateOf(room, id)));
                        cases.Add(With(named.Append(id).ToArray(), $"a good candidate and {StateOf(room, id)}"));
                    }

                    cases.Add(With(new { candidates = named }, "an object where a list is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(named[0].ToString(), "a single id where a list is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(new[] { "not-a-guid" }, "a list of strings that are not ids", Expect.RefusalOrBindingFailure));
                    cases.Add(With(new object?[] { null }, "a list holding null", Expect.RefusalOrBindingFailure));
                }
                else if (type == typeof(string))
                {
                    if (!optional)
                    {
                        cases.Add(With(null, "null"));
                        cases.Add(With("", "empty"));
                        cases.Add(With(" \t\n ", "blank"));
                    }

                    cases.Add(With(new string('x', HugeButDeliverable), $"{HugeButDeliverable:N0} characters"));
                    cases.Add(With(new string('x', 1 << 20), "1 MB", Expect.OverTransportLimit));
                    cases.Add(With(42, "a number where text is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(new { text = "x" }, "an object where text is expected", Expect.RefusalOrBindingFailure));
                }
                else if (type == typeof(int))
                {
                    foreach (var number in new[] { -1, 0, 601, int.MinValue, int.MaxValue })
                    {
                        cases.Add(With(number, number.ToString(CultureInfo.InvariantCulture)));
                    }

                    cases.Add(With("ten", "a string where a number is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(1.5, "a fraction", Expect.RefusalOrBindingFailure));
                    cases.Add(With(1e12, "a number beyond int", Expect.RefusalOrBindingFailure));
                }
                else if (type == typeof(bool))
                {
                    cases.Add(With("yes", "a string where true or false is expected", Expect.RefusalOrBindingFailure));
                    cases.Add(With(1, "a number where true or false is expected", Expect.RefusalOrBindingFailure));
                }
                else
                {
                    Assert.Fail($"{method.Name}({name}): a parameter of type {type.Name} has no hostile values yet; add them here.");
                }

                foreach (var extra in (baseline.Extra ?? []).Where(e => e.Parameter == name))
                {
                    cases.Add(With(extra.Value, extra.Why));
                }
            }

            // The same hostile values with no list, which means the whole room: refused as firmly as for one candidate.
            var list = Array.FindIndex(parameters, p => p.ParameterType == typeof(Guid[]));
            if (list >= 0)
            {
                var forOne = cases.Where(c => c.Method == method.Name && c.Caller == baseline.Caller && c.Expect == Expect.Refusal
                    && c.Parameter != parameters[list].Name && c.Parameter != parameters[0].Name).ToList();
                cases.AddRange(forOne.Select(c => c with { Why = c.Why + ", for the whole room", Args = c.Args.Select((a, k) => k == list ? null : a).ToArray() }));
            }

            cases.Add(new HostileCall(baseline.Caller, method.Name, "(all)", "one argument too few", baseline.Args[..^1], Expect.RefusalOrBindingFailure));
            cases.Add(new HostileCall(baseline.Caller, method.Name, "(all)", "one argument too many", [.. baseline.Args, "extra"], Expect.RefusalOrBindingFailure));
            if (baseline.Caller == Caller.Invigilator)
            {
                // An invigilator of another centre: on this sitting, and on their own sitting naming this sitting's candidates.
                cases.Add(new HostileCall(Caller.Stranger, method.Name, "(caller)", "an invigilator of another centre, on this sitting", baseline.Args));
                if (parameters.Length > 1)
                {
                    var args = (object?[])baseline.Args.Clone();
                    args[0] = room.Elsewhere.Sitting.Id;
                    cases.Add(new HostileCall(Caller.Stranger, method.Name, "(caller)", "an invigilator of another centre, on their sitting, naming this sitting's candidates", args));
                }
            }
        }

        return cases;
    }

    private static IEnumerable<(Guid Value, string Why)> Ids(Room room, string parameter) => parameter switch
    {
        "sittingId" =>
        [
            (Guid.Empty, "Guid.Empty"), (Guid.NewGuid(), "a random id"), (room.Elsewhere.Sitting.Id, "another centre's sitting"),
            (room.AttemptOf(room.InProgress), "an attempt's id"),
        ],
        "candidateId" =>
        [
            (Guid.Empty, "Guid.Empty"), (Guid.NewGuid(), "a random id"), (room.ElsewhereCandidate, "another centre's candidate"),
            (room.Unbooked.Id, "a candidate of the centre not booked on the sitting"), (room.AttemptOf(room.InProgress), "an attempt's id"),
            (room.ElsewhereAttempt, "another centre's attempt"), (room.Id, "the sitting's id"),
        ],
        "attemptId" =>
        [
            (Guid.Empty, "Guid.Empty"), (Guid.NewGuid(), "a random id"), (room.AttemptOf(room.Waiting), "another candidate's attempt"),
            (room.ElsewhereAttempt, "another centre's attempt"), (room.InProgress, "their candidate id"), (room.Id, "the sitting's id"),
        ],
        _ => throw new InvalidOperationException($"No hostile ids for a parameter named {parameter}; add them."),
    };

    private static string StateOf(Room room, Guid candidateId) =>
        candidateId == room.NotCheckedIn ? "a booked candidate not checked in"
        : candidateId == room.Waiting ? "a candidate waiting, not admitted"
        : candidateId == room.Admitted ? "a candidate admitted, not started"
        : candidateId == room.Submitted ? "a candidate already submitted"
        : candidateId == room.Voided ? "a candidate whose attempt is voided"
        : candidateId == room.Refused ? "a candidate refused admission"
        : candidateId == room.InProgress ? "a candidate under way"
        : "a candidate";

    // ------------------------------------------------------------------ the room

    private async Task<Room> RoomAsync()
    {
        var services = _engine.Services;
        var sitting = await SittingNow.CreateAsync(services, TimeProvider.System, 8, "HOS");
        var elsewhere = await SittingNow.CreateAsync(services, TimeProvider.System, 1, "HOX");
        var room = new Room(sitting, elsewhere, await Centres.CandidateAsync(services.GetRequiredService<IDocumentStore>(), sitting.Centre, "HOSX0001"));
        var candidates = sitting.Candidates;
        var me = new Invigilator(sitting.Invigilator.Id, "invigilator");
        using var scope = services.CreateScope();

        await AttemptBuilder.InProgressAsync(services, sitting.Sitting, candidates[0]);
        await AttemptBuilder.CheckedInAsync(services, sitting.Sitting, candidates[2]);
        await AttemptBuilder.AdmittedAsync(services, sitting.Sitting, candidates[3]);
        var submitting = await AttemptBuilder.InProgressAsync(services, sitting.Sitting, candidates[4]);
        await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(submitting, "candidate");
        await AttemptBuilder.InProgressAsync(services, sitting.Sitting, candidates[5]);
        await scope.ServiceProvider.GetRequiredService<VoidAttempt>().HandleAsync(room.Id, room.Voided, "notes found", me);
        await AttemptBuilder.CheckedInAsync(services, sitting.Sitting, candidates[6]);
        await scope.ServiceProvider.GetRequiredService<RefuseAtTheDesk>().HandleAsync(room.Id, room.Refused, "no identification", me);
        await AttemptBuilder.InProgressAsync(services, sitting.Sitting, candidates[7]);
        await scope.ServiceProvider.GetRequiredService<PauseCandidates>().HandleAsync(room.Id, [room.Paused], "rest break", me);
        await AttemptBuilder.InProgressAsync(services, elsewhere.Sitting, elsewhere.Candidates[0]);
        return room;
    }

    // ------------------------------------------------------------------ calling and judging

    /// <summary>The call's refusal (null when it was accepted), waiting out the per-connection throttle rather than judging its refusal.</summary>
    private static async Task<Exception?> RefusalAsync(HubConnection hub, string method, object?[] args)
    {
        while (true)
        {
            var thrown = await Record.ExceptionAsync(() => hub.InvokeCoreAsync(method, typeof(object), args));
            if (thrown is not HubException { Message: var message } || !message.EndsWith(Throttled, StringComparison.Ordinal))
            {
                return thrown;
            }

            var second = Environment.TickCount64 / 1000;
            await Eventually.GetAsync(() => Task.FromResult(Environment.TickCount64 / 1000), now => now != second, what: "the throttle's next second");
        }
    }

    /// <summary>The probe that the connection still works: any answer (a result or a refusal) but a broken connection.</summary>
    private static async Task RefusalOrResultAsync(HubConnection hub, string method, object?[] args)
    {
        if (await RefusalAsync(hub, method, args) is { } thrown and not HubException)
        {
            throw thrown;
        }
    }

    /// <summary>What is wrong with the answer, or null when it is a clear refusal.</summary>
    private static string? Unclear(HostileCall call, Exception? thrown)
    {
        if (thrown is null)
        {
            return "accepted";
        }

        if (thrown is not HubException)
        {
            return $"{thrown.GetType().Name}: {thrown.Message}";
        }

        var unexpected = $"An unexpected error occurred invoking '{call.Method}' on the server.";
        var bindingFailure = $"Failed to invoke '{call.Method}' due to an error on the server.";
        if (thrown.Message == bindingFailure && call.Expect == Expect.RefusalOrBindingFailure)
        {
            return null; // SignalR refuses the arguments before any hub code runs; the engine cannot word it.
        }

        if (thrown.Message == unexpected || thrown.Message == bindingFailure)
        {
            return $"unhandled: \"{thrown.Message}\"";
        }

        var said = thrown.Message.StartsWith(unexpected + " HubException: ", StringComparison.Ordinal) ? thrown.Message[(unexpected.Length + " HubException: ".Length)..] : thrown.Message;
        return said.Length is > 0 and < 400 && !said.Contains("Exception", StringComparison.Ordinal) && !said.Contains("   at ", StringComparison.Ordinal)
            ? null
            : $"not a message a person can act on: \"{Shorten(said)}\"";
    }

    /// <summary>Exceptions a refusal may leave in the log: the refusal itself, and SignalR's own for what it refuses before the hub.</summary>
    private static bool Expected(HostileCall call, Exception exception) => exception switch
    {
        HubException => true,
        InvalidDataException when call.Expect == Expect.OverTransportLimit => true, // "The maximum message size of 65536B was exceeded."
        _ when call.Expect == Expect.RefusalOrBindingFailure => exception.GetType().Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) is true
            || exception is InvalidDataException or FormatException or OverflowException,
        _ => false,
    };

    private static string Said(Exception? thrown) => thrown is null ? "accepted" : $"{thrown.GetType().Name}: {Shorten(thrown.Message)}";

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>
    /// The whole store of this class's database as counts and high-water marks (events, every document table, the jobs),
    /// read with plain SQL: two equal snapshots mean nothing was written in between.
    /// </summary>
    private sealed class StoreSnapshot(string connectionString, string sql)
    {
        public static async Task<StoreSnapshot> CreateAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var command = new NpgsqlCommand(
                             "select table_name from information_schema.tables where table_schema = @schema and table_name like 'mt_doc_%' order by table_name", connection))
            {
                command.Parameters.AddWithValue("schema", StoreSetup.Schema);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.NotEmpty(tables);
            var parts = tables.Select(t => $"select '{t}' as what, count(*)::text || ' ' || coalesce(max(mt_last_modified)::text, '-') as state from {StoreSetup.Schema}.{t}")
                .Append($"select 'mt_events', count(*)::text || ' ' || coalesce(max(seq_id)::text, '-') from {StoreSetup.Schema}.mt_events")
                .Append($"select 'mt_streams', count(*)::text || ' ' || coalesce(sum(version)::text, '-') from {StoreSetup.Schema}.mt_streams")
                .Append($"select 'jobs', count(*)::text from {JobsSetup.Schema}.job");
            return new StoreSnapshot(connectionString, string.Join(" union all ", parts));
        }

        public async Task<string> TakeAsync()
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var text = new StringBuilder();
            while (await reader.ReadAsync())
            {
                text.Append(reader.GetString(0)).Append('=').Append(reader.GetString(1)).Append('\n');
            }

            return text.ToString();
        }

        public static string Difference(string before, string after) =>
            string.Join("; ", after.Split('\n').Except(before.Split('\n')).Where(line => line.Length > 0));
    }
}
