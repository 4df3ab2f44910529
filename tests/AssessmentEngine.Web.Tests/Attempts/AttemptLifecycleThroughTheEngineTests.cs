using System.Net;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Tests.Infrastructure;
using FsCheck;
using FsCheck.Xunit;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>
/// Random sequences of commands on one real attempt per case, as each role sends them (the candidate over HTTP, the
/// invigilator over the hub, the time-up job) and as the wrong role sends them (the candidate acting as invigilator,
/// another centre's invigilator, the invigilator answering, another candidate), against the real database on a fake
/// clock. Every call is answered or refused, never failed; a wrong role's call is refused and writes nothing; the
/// stored stream keeps the lifecycle's invariants (<see cref="AttemptHistory"/>).
/// </summary>
public sealed partial class AttemptLifecycleThroughTheEngineTests(AttemptLifecycleThroughTheEngineTests.OnAFakeClock engine)
    : IClassFixture<AttemptLifecycleThroughTheEngineTests.OnAFakeClock>
{
    private const int Cases = 12;

    /// <summary>
    /// The engine on its own database and a fake clock, a sitting with a candidate per case, its invigilator and another
    /// centre's on the hub. A class fixture, not the test's own set-up: a property's cases do not run the test class's.
    /// </summary>
    public sealed class OnAFakeClock : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        public EngineFactory Engine { get; private set; } = null!;

        public IDocumentStore Store { get; private set; } = null!;

        public Uri Base { get; private set; } = null!;

        public SittingNow Sitting { get; set; } = null!;

        public LiveClient Invigilator { get; set; } = null!;

        public HubConnection Hub { get; set; } = null!;

        public LiveClient Stranger { get; private set; } = null!;

        public HubConnection StrangerHub { get; private set; } = null!;

        /// <summary>Candidates of <see cref="Sitting"/> used so far: each case (and each shrink) takes a fresh one.</summary>
        public int Used { get; set; }

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            // The fake clock jumps by hours; the server measures its hub connections' silence by it, so it must not drop them.
            Engine = new EngineFactory(Database.ConnectionString, roles: "web", clock: Clock)
                .WithServices(services => services.Configure<HubOptions>(options => options.ClientTimeoutInterval = TimeSpan.FromDays(30)));
            Engine.UseKestrel(0);
            Engine.StartServer();
            Base = Engine.ClientOptions.BaseAddress;
            await Engine.StartedAsync();
            Store = Engine.Services.GetRequiredService<IDocumentStore>();
            await NewSittingAsync("LCE");
            var elsewhere = await SittingNow.CreateAsync(Engine.Services, Clock, 1, "LCX");
            (Stranger, StrangerHub) = await InvigilatingAsync(elsewhere.Invigilator.SignInName);
        }

        public async Task NewSittingAsync(string prefix)
        {
            Sitting = await SittingNow.CreateAsync(Engine.Services, Clock, Cases + 1, prefix);
            if (Hub is not null)
            {
                await Hub.DisposeAsync();
                Invigilator.Dispose();
            }

            (Invigilator, Hub) = await InvigilatingAsync(Sitting.Invigilator.SignInName);
            Used = 0;
        }

        private async Task<(LiveClient, HubConnection)> InvigilatingAsync(string signInName)
        {
            var client = await LiveClient.StaffAsync(Base, signInName);
            var hub = client.Hub("/hubs/invigilation");
            hub.ServerTimeout = TimeSpan.FromMinutes(30); // the server's pings follow the fake clock, which mostly stands still
            await hub.StartAsync();
            return (client, hub);
        }

        public async Task DisposeAsync()
        {
            if (Hub is not null)
            {
                await Hub.DisposeAsync();
                Invigilator.Dispose();
            }

            if (StrangerHub is not null)
            {
                await StrangerHub.DisposeAsync();
                Stranger.Dispose();
            }

            if (Engine is not null)
            {
                await Engine.DisposeAsync();
            }

            await Database.DisposeAsync();
        }
    }

    public abstract record Command;

    public sealed record Admit(bool IdentityChecked) : Command;

    public sealed record Refuse(string? Reason) : Command;

    public sealed record Start : Command;

    public sealed record Open(string Page) : Command;

    /// <summary>Changes to questions by number (0 and 99 are on no test), each an answer or a flag.</summary>
    public sealed record Save(string Page, (long Sequence, int Item, bool Flag)[] Changes) : Command
    {
        public override string ToString() => $"Save {{ Page = {Page}, Changes = [{string.Join(", ", Changes.Select(c => c.ToString()))}] }}";
    }

    public sealed record Pause : Command;

    public sealed record Resume : Command;

    public sealed record Extend(int Minutes, string? Reason) : Command;

    public sealed record Void(string? Reason) : Command;

    public sealed record HandIn(string Page) : Command;

    public sealed record TimeUp : Command;

    public sealed record Wait(TimeSpan For) : Command;

    public sealed record ToDeadline(TimeSpan Offset) : Command;

    /// <summary>The wrong role's call, named by who makes it and what: it must be refused and write nothing.</summary>
    public sealed record Intrude(string Who, string What) : Command;

    private static readonly Gen<string?> Reasons = Gen.Elements<string?>(null, "  ", "rest break");

    private static readonly (string Who, string What)[] Intrusions =
    [
        ("candidate", "admit"), ("candidate", "refuse"), ("stranger", "Admit"), ("stranger", "Pause"), ("stranger", "Resume"), ("stranger", "ExtendTime"),
        ("stranger", "Void"), ("stranger", "Refuse"), ("invigilator", "answers"), ("invigilator", "submit"), ("invigilator", "open"), ("other candidate", "answers"),
        ("other candidate", "submit"),
    ];

    private static readonly Gen<Command> Commands = Gen.Frequency(
        Tuple.Create(3, Gen.Elements(true, true, false).Select(Command (c) => new Admit(c))),
        Tuple.Create(1, Reasons.Select(Command (r) => new Refuse(r))),
        Tuple.Create(3, Gen.Constant<Command>(new Start())),
        Tuple.Create(2, Gen.Elements("page-1", "page-2").Select(Command (p) => new Open(p))),
        Tuple.Create(4, Gen.Elements("page-1", "page-2").SelectMany(page => Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(n,
            from sequence in Gen.Choose(1, 8)
            from item in Gen.Elements(0, 1, 2, 3, 99)
            from flag in Gen.Elements(true, false)
            select ((long)sequence, item, flag))).Select(Command (c) => new Save(page, c)))),
        Tuple.Create(2, Gen.Constant<Command>(new Pause())),
        Tuple.Create(2, Gen.Constant<Command>(new Resume())),
        Tuple.Create(2, Gen.Elements(-5, 0, 1, 10, 601).SelectMany(m => Reasons.Select(Command (r) => new Extend(m, r)))),
        Tuple.Create(1, Reasons.Select(Command (r) => new Void(r))),
        Tuple.Create(2, Gen.Elements("page-1", "page-2").Select(Command (p) => new HandIn(p))),
        Tuple.Create(2, Gen.Constant<Command>(new TimeUp())),
        Tuple.Create(2, Gen.Choose(0, 40 * 60).Select(Command (s) => new Wait(TimeSpan.FromSeconds(s)))),
        Tuple.Create(2, Gen.Choose(-60, 60).Select(Command (s) => new ToDeadline(TimeSpan.FromSeconds(s)))),
        Tuple.Create(4, Gen.Elements(Intrusions).Select(Command (i) => new Intrude(i.Who, i.What))));

    private static Arbitrary<Command[]> Sequences() => Arb.From(
        Gen.Choose(4, 14).SelectMany(n => Gen.ArrayOf(n, Commands)),
        commands => Enumerable.Range(0, commands.Length).Select(i => commands.Where((_, j) => j != i).ToArray()));

    [Property(MaxTest = Cases, QuietOnSuccess = true)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD002", Justification =
        "FsCheck 2 checks a property synchronously; Task.Run leaves xunit's synchronization context, so the wait cannot deadlock.")]
    public Property Commands_from_every_role_keep_the_stored_attempts_invariants() =>
        Prop.ForAll(Sequences(), commands => Task.Run(() => RunAsync(commands)).GetAwaiter().GetResult());

    /// <summary>The property's shrunk counterexample: handing in a test admitted but not started answered 500, not a refusal.</summary>
    [Fact]
    public Task A_candidate_handing_in_a_test_not_started_is_refused() => RunAsync([new Admit(true), new HandIn("page-2")]);

    /// <summary>As above for a voided test: the hand-in is refused with the reason, not failed.</summary>
    [Fact]
    public Task A_candidate_handing_in_a_voided_test_is_refused() => RunAsync([new Admit(true), new Start(), new Void("notes found on the desk"), new HandIn("page-1")]);

    /// <summary>One case on a candidate of its own (a shrink runs on a fresh one): checked in, then the commands, then the stored stream checked.</summary>
    private async Task RunAsync(Command[] commands)
    {
        var number = ++engine.Used;
        if (number > engine.Sitting.Candidates.Count - 1)
        {
            await engine.NewSittingAsync($"LC{System.Random.Shared.Next(100):00}");
            number = ++engine.Used;
        }

        var candidate = engine.Sitting.Candidates[number - 1];
        var other = engine.Sitting.Candidates[^1];
        using var client = await LiveClient.CandidateAsync(engine.Base, engine.Sitting.Centre.Number, candidate.CandidateNumber);
        using var otherClient = await LiveClient.CandidateAsync(engine.Base, engine.Sitting.Centre.Number, other.CandidateNumber);
        var attemptId = await CheckedInAsync(client, candidate.Id, checkIn: true);
        var token = await TokenAsync(client, attemptId);
        var otherToken = await TokenAsync(otherClient, await CheckedInAsync(otherClient, other.Id, checkIn: number == 1));
        var handedIn = false;
        foreach (var (command, index) in commands.Select((c, i) => (c, i + 1)))
        {
            var what = $"command {index} of [{string.Join(", ", commands.Select(c => c.ToString()))}]";
            var before = await VersionAsync(attemptId);
            switch (command)
            {
                case Wait wait:
                    engine.Clock.Advance(wait.For);
                    break;
                case ToDeadline to:
                    if ((await LoadAsync(attemptId)).Deadline is { } deadline && deadline + to.Offset > engine.Clock.GetUtcNow())
                    {
                        engine.Clock.SetUtcNow(deadline + to.Offset);
                    }

                    break;
                case TimeUp:
                    using (var scope = engine.Engine.Services.CreateScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<Features.Attempts.Submitting.SubmitAtTimeUpJob>().RunAsync(attemptId, CancellationToken.None);
                    }

                    break;
                case Intrude intrude:
                    await IntrudeAsync(intrude, candidate.Id, attemptId, (client, token), (otherClient, otherToken), what);
                    Assert.True(before == await VersionAsync(attemptId), $"{what}: the wrong role's call wrote to the attempt");
                    break;
                case Admit or Refuse or Pause or Resume or Extend or Void:
                    await InvigilateAsync(command, candidate.Id, what);
                    break;
                default:
                    var status = await CandidateAsync(command, client, attemptId, token);
                    Assert.True(status < 500, $"{what}: answered {status}");
                    if (command is HandIn && status == 200)
                    {
                        handedIn = true;
                        Assert.True((await LoadAsync(attemptId)).Status == AttemptStatus.Submitted, $"{what}: the hand-in was answered as done and the attempt is not submitted");
                    }

                    break;
            }
        }

        // The stored stream, folded through the engine's projection, keeps every invariant.
        await using var query = engine.Store.QuerySession();
        var stored = await query.Events.FetchStreamAsync(attemptId);
        var history = new AttemptHistory((CandidateCheckedIn)stored[0].Data);
        foreach (var @event in stored.Skip(1))
        {
            history.Append(@event.Data, WrittenAt(@event.Data));
        }

        Assert.True(!handedIn || history.Submissions == 1, "a hand-in was answered as done and the stream holds no submission");
    }

    private async Task InvigilateAsync(Command command, Guid candidateId, string what)
    {
        var id = engine.Sitting.Sitting.Id;
        Task call = command switch
        {
            Admit admit => engine.Hub.InvokeAsync("Admit", id, candidateId, admit.IdentityChecked),
            Refuse refuse => engine.Hub.InvokeAsync("Refuse", id, candidateId, refuse.Reason),
            Pause => engine.Hub.InvokeAsync<int>("Pause", id, new[] { candidateId }, "rest break"),
            Resume => engine.Hub.InvokeAsync<int>("Resume", id, new[] { candidateId }),
            Extend extend => engine.Hub.InvokeAsync<int>("ExtendTime", id, new[] { candidateId }, extend.Minutes, extend.Reason),
            Void @void => engine.Hub.InvokeAsync("Void", id, candidateId, @void.Reason),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        try
        {
            await call;
        }
        catch (HubException)
        {
            // Refused with a reason: the invariants on the stream say whether the refusal was right to write nothing.
        }

        Assert.True(engine.Hub.State == HubConnectionState.Connected, $"{what}: the invigilator's connection dropped");
    }

    /// <summary>The candidate's call over HTTP; returns its status.</summary>
    private static async Task<int> CandidateAsync(Command command, LiveClient client, Guid attemptId, string token)
    {
        if (command is Start)
        {
            using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
            using var started = await client.Http.PostAsync(new Uri($"/candidate/attempts/{attemptId}?handler=Start", UriKind.Relative), form);
            return (int)started.StatusCode;
        }

        object body = command switch
        {
            Open open => new { page = open.Page },
            HandIn handIn => new { page = handIn.Page },
            Save save => new
            {
                page = save.Page,
                changes = save.Changes.Select(c => c.Flag
                    ? (object)new { sequence = c.Sequence, item = c.Item, flagged = true }
                    : new { sequence = c.Sequence, item = c.Item, response = new { text = "Customers come first." } }).ToList(),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        var path = command switch { Open => "open", HandIn => "submit", _ => "answers" };
        using var response = await client.PostJsonAsync($"/api/attempts/{attemptId}/{path}", body, token);
        return (int)response.StatusCode;
    }

    private async Task IntrudeAsync(Intrude intrude, Guid candidateId, Guid attemptId, (LiveClient Client, string Token) candidate, (LiveClient Client, string Token) other, string what)
    {
        var id = engine.Sitting.Sitting.Id;
        switch (intrude.Who)
        {
            case "stranger":
                object?[] args = intrude.What switch
                {
                    "Admit" => [id, candidateId, true],
                    "Refuse" or "Void" => [id, candidateId, "a reason"],
                    "ExtendTime" => [id, new[] { candidateId }, 10, "a reason"],
                    "Resume" => [id, new[] { candidateId }],
                    _ => [id, new[] { candidateId }, "a reason"],
                };
                var refusal = await Assert.ThrowsAsync<HubException>(() => engine.StrangerHub.InvokeCoreAsync(intrude.What, typeof(object), args));
                Assert.Contains("There is no such sitting assigned to you.", refusal.Message, StringComparison.Ordinal);
                break;
            case "candidate":
                // The sitting page's admit and refuse forms, posted by the candidate: refused before anything is read.
                using (var form = new FormUrlEncodedContent([new("candidateId", candidateId.ToString()), new("identityChecked", "true"), new("reason", "x")]))
                using (var response = await candidate.Client.Http.PostAsync(new Uri($"/invigilate/sittings/{id}?handler={(intrude.What == "admit" ? "Admit" : "Refuse")}", UriKind.Relative), form))
                {
                    Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } location
                            && (location.Contains("/signin?", StringComparison.Ordinal) || location.Contains("/denied", StringComparison.Ordinal))),
                        $"{what}: answered {(int)response.StatusCode} {response.Headers.Location}");
                }

                break;
            default:
                // The invigilator has no candidate's token to send (authorisation refuses before it is looked at); the other candidate sends their own.
                var (client, token) = intrude.Who == "invigilator" ? (engine.Invigilator, "") : other;
                object body = intrude.What == "answers" ? new { page = "page-1", changes = new[] { new { sequence = 50, item = 1, flagged = true } } } : new { page = "page-1" };
                using (var response = await client.PostJsonAsync($"/api/attempts/{attemptId}/{intrude.What}", body, token))
                {
                    // The invigilator's sign-in, made once, may lapse as the fake clock runs on through the cases: then 401, still a refusal.
                    var refused = intrude.Who == "invigilator"
                        ? response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                        : response.StatusCode == HttpStatusCode.NotFound;
                    Assert.True(refused, $"{what}: answered {(int)response.StatusCode}");
                }

                break;
        }
    }

    /// <summary>Checks the candidate in (once per candidate) through the page; returns their attempt's id.</summary>
    private async Task<Guid> CheckedInAsync(LiveClient client, Guid candidateId, bool checkIn)
    {
        if (checkIn)
        {
            using var checkedIn = await client.Page.PostFormAsync($"/candidate/sittings/{engine.Sitting.Sitting.Id}", $"/candidate/sittings/{engine.Sitting.Sitting.Id}",
                [new("accessCode", engine.Sitting.Sitting.AccessCode!)]);
            Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
        }

        return CheckIn.IdFor(engine.Sitting.Sitting.Id, candidateId);
    }

    /// <summary>The candidate's antiforgery token, from a form on their attempt's page: it serves their forms and their API calls.</summary>
    private static async Task<string> TokenAsync(LiveClient client, Guid attemptId) =>
        WebUtility.HtmlDecode(TokenField().Match(await client.Page.GetPageAsync($"/candidate/attempts/{attemptId}")).Groups[1].Value);

    [System.Text.RegularExpressions.GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex TokenField();

    private async Task<Attempt> LoadAsync(Guid attemptId)
    {
        await using var query = engine.Store.QuerySession();
        return (await query.LoadAsync<Attempt>(attemptId))!;
    }

    private async Task<long> VersionAsync(Guid attemptId)
    {
        await using var query = engine.Store.QuerySession();
        return (await query.Events.FetchStreamStateAsync(attemptId))?.Version ?? 0;
    }

    /// <summary>The time an event says it was written: every event's last field is its time.</summary>
    private static DateTimeOffset WrittenAt(object @event) =>
        (DateTimeOffset)@event.GetType().GetProperties().Last(p => p.PropertyType == typeof(DateTimeOffset)).GetValue(@event)!;
}
