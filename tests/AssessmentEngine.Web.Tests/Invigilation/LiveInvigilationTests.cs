using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.Starting;
using AssessmentEngine.Web.Features.Invigilation.Ending;
using AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Npgsql;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Invigilation;

/// <summary>Invigilators and candidates over real SignalR connections to a real server and database.</summary>
public sealed class LiveInvigilationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Within = Waits.Settle;
    private EngineFactory _engine = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _base = _engine.ClientOptions.BaseAddress;
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>A candidate's page: signed in, checked in, joined to the live hub, recording what it is told.</summary>
    private sealed class CandidatePage(LiveClient client, HubConnection hub, Guid attemptId) : IAsyncDisposable
    {
        public LiveClient Client { get; } = client;

        public HubConnection Hub { get; } = hub;

        public Guid AttemptId { get; } = attemptId;

        public ConcurrentQueue<Clock> Clocks { get; } = new();

        public ConcurrentQueue<RoomMessage> Messages { get; } = new();

        public string Page { get; } = Guid.NewGuid().ToString("N");

        public string Token { get; set; } = "";

        public async ValueTask DisposeAsync()
        {
            await Hub.DisposeAsync();
            Client.Dispose();
        }
    }

    private async Task<CandidatePage> CheckedInAsync(SittingNow sitting, Candidate candidate, Uri? node = null)
    {
        var client = await LiveClient.CandidateAsync(node ?? _base, sitting.Centre.Number, candidate.CandidateNumber);
        using (var checkedIn = await client.Page.PostFormAsync($"/candidate/sittings/{sitting.Sitting.Id}", $"/candidate/sittings/{sitting.Sitting.Id}", [new("accessCode", sitting.Sitting.AccessCode!)]))
        {
            Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
        }

        var page = new CandidatePage(client, client.Hub("/hubs/candidate"), CheckIn.IdFor(sitting.Sitting.Id, candidate.Id));
        page.Hub.On<Clock>("StateChanged", page.Clocks.Enqueue);
        page.Hub.On<RoomMessage>("MessageReceived", page.Messages.Enqueue);
        await page.Hub.StartAsync();
        await page.Hub.InvokeAsync<Clock>("Join", page.AttemptId);
        return page;
    }

    /// <summary>A sitting of one candidate, admitted and started, watched by its invigilator.</summary>
    private async Task<(Watcher Watcher, Candidate Candidate, CandidatePage Page)> OneCandidateUnderWayAsync(string prefix)
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, prefix);
        var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        var candidate = sitting.Candidates[0];
        var page = await CheckedInAsync(sitting, candidate);
        await watcher.Hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        await StartAsync(page);
        return (watcher, candidate, page);
    }

    private static async Task StartAsync(CandidatePage page)
    {
        using var started = await page.Client.Page.PostFormAsync($"/candidate/attempts/{page.AttemptId}", $"/candidate/attempts/{page.AttemptId}?handler=Start", []);
        Assert.True(started.StatusCode == HttpStatusCode.Redirect, $"{(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        Assert.Equal($"/candidate/attempts/{page.AttemptId}/test", started.Headers.Location?.OriginalString);
        page.Token = await page.Client.TokenAsync($"/candidate/attempts/{page.AttemptId}/test");
        using var opened = await page.Client.PostJsonAsync($"/api/attempts/{page.AttemptId}/open", new { page = page.Page }, page.Token);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
    }

    private static async Task<JsonObject> SaveAsync(CandidatePage page, long sequence, string text)
    {
        using var response = await page.Client.PostJsonAsync($"/api/attempts/{page.AttemptId}/answers",
            new { page = page.Page, changes = new[] { new { sequence, item = 1, flagged = true } } }, page.Token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body + text);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>An invigilator's dashboard: signed in, watching the sitting, keeping the rows it is sent.</summary>
    private sealed class Watcher(LiveClient client, HubConnection hub) : IAsyncDisposable
    {
        public HubConnection Hub { get; } = hub;

        public ConcurrentDictionary<Guid, DashboardRow> Rows { get; } = new();

        public ConcurrentQueue<string> Log { get; } = new();

        public ConcurrentQueue<IReadOnlyList<SeenNotice>> Seen { get; } = new();

        /// <summary>Every batch of changed rows, as pushed.</summary>
        public ConcurrentQueue<IReadOnlyList<DashboardRow>> Changed { get; } = new();

        public Dashboard? Last { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Hub.DisposeAsync();
            client.Dispose();
        }
    }

    private async Task<Watcher> WatchingAsync(SittingNow sitting, UserAccount invigilator, Uri? node = null)
    {
        var client = await LiveClient.StaffAsync(node ?? _base, invigilator.SignInName);
        var watcher = new Watcher(client, client.Hub("/hubs/invigilation"));
        watcher.Hub.On<IReadOnlyList<DashboardRow>>("CandidatesChanged", rows =>
        {
            watcher.Changed.Enqueue(rows);
            foreach (var row in rows)
            {
                watcher.Rows[row.CandidateId] = row;
            }
        });
        watcher.Hub.On<IReadOnlyList<SeenNotice>>("CandidatesSeen", notices =>
        {
            watcher.Seen.Enqueue(notices);
            foreach (var notice in notices)
            {
                if (watcher.Rows.TryGetValue(notice.CandidateId, out var row))
                {
                    watcher.Rows[notice.CandidateId] = row with { LastSeenAt = notice.At };
                }
            }
        });
        watcher.Hub.On<Dashboard>("SittingChanged", dashboard => watcher.Last = dashboard);
        watcher.Hub.On<string>("Logged", watcher.Log.Enqueue);
        await watcher.Hub.StartAsync();
        var dashboard = await watcher.Hub.InvokeAsync<Dashboard>("Watch", sitting.Sitting.Id);
        foreach (var row in dashboard.Rows)
        {
            watcher.Rows[row.CandidateId] = row;
        }

        return watcher;
    }

    private static Task<DashboardRow> SeenAsync(Watcher watcher, Guid candidateId, Func<DashboardRow, bool> condition, string what) =>
        Eventually.GetAsync(() => Task.FromResult(watcher.Rows.GetValueOrDefault(candidateId)!), row => row is not null && condition(row), Within, what);

    private static Task<Clock> ToldAsync(CandidatePage page, Func<Clock, bool> condition, string what) =>
        Eventually.GetAsync(() => Task.FromResult(page.Clocks.LastOrDefault()!), clock => clock is not null && condition(clock), Within, what);

    [Fact]
    public async Task Every_action_reaches_every_invigilator_and_the_candidates_it_touches_and_the_record_holds_it()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 3, "LIV");
        await using var first = await WatchingAsync(sitting, sitting.Invigilator);
        await using var second = await WatchingAsync(sitting, sitting.SecondInvigilator);
        var (a, b, c) = (sitting.Candidates[0], sitting.Candidates[1], sitting.Candidates[2]);
        await using var pageA = await CheckedInAsync(sitting, a);
        await using var pageB = await CheckedInAsync(sitting, b);
        await using var pageC = await CheckedInAsync(sitting, c);
        await SeenAsync(second, c.Id, row => row.State == "waiting" && row.Connected, "C waiting and connected, on the second screen");

        foreach (var candidate in sitting.Candidates)
        {
            await first.Hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        }

        await SeenAsync(second, a.Id, row => row.State == "admitted", "A admitted, on the second screen");
        await Task.WhenAll(StartAsync(pageA), StartAsync(pageB), StartAsync(pageC));
        await SaveAsync(pageA, 1, "A flags question 1");
        await SeenAsync(second, a.Id, row => row is { State: "in-progress", Flagged: 1 }, "A's flag, on the second screen");

        // Pause A: the clock stops on A's page and both screens; resuming moves the deadline on by the pause.
        var before = (await ToldAsync(pageA, clock => clock.Status == "InProgress", "A in progress")).Deadline!.Value;
        Assert.Equal(1, await first.Hub.InvokeAsync<int>("Pause", sitting.Sitting.Id, new[] { a.Id }, "rest break"));
        await ToldAsync(pageA, clock => clock.Paused, "A's page paused");
        await SeenAsync(second, a.Id, row => row.State == "paused", "A paused, on the second screen");
        await Task.Delay(1500);
        await first.Hub.InvokeAsync<int>("Resume", sitting.Sitting.Id, new[] { a.Id });
        var resumed = await ToldAsync(pageA, clock => !clock.Paused, "A's page resumed");
        Assert.True(resumed.Deadline >= before.AddSeconds(1.4), $"the deadline moved from {before:O} to {resumed.Deadline:O}");

        // Extend B by ten minutes.
        var beforeB = (await ToldAsync(pageB, clock => clock.Status == "InProgress", "B in progress")).Deadline!.Value;
        await first.Hub.InvokeAsync<int>("ExtendTime", sitting.Sitting.Id, new[] { b.Id }, 10, "the computer froze");
        await ToldAsync(pageB, clock => clock.Deadline == beforeB.AddMinutes(10), "B's deadline ten minutes later");
        await SeenAsync(second, b.Id, row => row.ExtendedMinutes == 10, "B's extension, on the second screen");
        var noReason = await Assert.ThrowsAsync<HubException>(() => first.Hub.InvokeAsync<int>("ExtendTime", sitting.Sitting.Id, new[] { b.Id }, 5, " "));
        Assert.Contains("Give the reason for the extra time.", noReason.Message, StringComparison.Ordinal);

        // A message to the room reaches every candidate; an incident is logged, and one that needs a note is refused without it.
        await first.Hub.InvokeAsync("Message", sitting.Sitting.Id, null, "Fifteen minutes left for those without extra time.");
        foreach (var page in new[] { pageA, pageB, pageC })
        {
            await Eventually.GetAsync(() => Task.FromResult(page.Messages.Count), count => count == 1, Within, "the room message");
            Assert.Equal("Fifteen minutes left for those without extra time.", page.Messages.Single().Text);
        }

        await first.Hub.InvokeAsync("LogIncident", sitting.Sitting.Id, "FIRE", null, null);
        var needsNote = await Assert.ThrowsAsync<HubException>(() => first.Hub.InvokeAsync("LogIncident", sitting.Sitting.Id, "ILL", null, new[] { c.Id }));
        Assert.Contains("needs a note", needsNote.Message, StringComparison.Ordinal);
        await Eventually.GetAsync(() => Task.FromResult(second.Log.Count(l => l.Contains("incident FIRE", StringComparison.Ordinal))), n => n == 1, Within, "the incident on the second screen");

        // Void C: C's page is told why, and C's saves are refused.
        await first.Hub.InvokeAsync("Void", sitting.Sitting.Id, c.Id, "notes from another candidate found on the desk");
        await ToldAsync(pageC, clock => clock is { Status: "Voided", Notice: "notes from another candidate found on the desk" }, "C's page voided");
        var refused = await SaveAsync(pageC, 1, "C after the void");
        Assert.Equal("This attempt was voided: notes from another candidate found on the desk", refused["refused"]![0]!["reason"]!.GetValue<string>());

        // End the sitting: A and B are submitted, C stays voided.
        Assert.Equal(2, await first.Hub.InvokeAsync<int>("EndSitting", sitting.Sitting.Id));
        await ToldAsync(pageA, clock => clock.Status == "Submitted", "A's page submitted");
        await ToldAsync(pageB, clock => clock.Status == "Submitted", "B's page submitted");
        await SeenAsync(second, b.Id, row => row is { State: "submitted", Note: SubmissionReasons.SittingEnded }, "B submitted at the end, on the second screen");
        await Eventually.GetAsync(() => Task.FromResult(second.Last?.Ended ?? false), ended => ended, Within, "the end on the second screen");

        // The record holds every one of those events.
        using var invigilator = await LiveClient.StaffAsync(_base, sitting.Invigilator.SignInName);
        var log = WebUtility.HtmlDecode(await invigilator.Page.GetPageAsync($"/invigilate/sittings/{sitting.Sitting.Id}/log"));
        foreach (var expected in new[]
                 {
                     "Checked in", "Admitted after an identity check", "Started (60 minutes)", "Question flagged for review", "Paused: rest break", "Resumed after",
                     "Time extended by 10 minutes: the computer froze", "Message: Fifteen minutes left", "Incident FIRE (Fire alarm or evacuation)",
                     "Attempt voided: notes from another candidate found on the desk", "Save refused: This attempt was voided", "Sitting ended",
                     "Submitted (sitting-ended)", "Connected (",
                 })
        {
            Assert.Contains(expected, log, StringComparison.Ordinal);
        }

        using var csv = await invigilator.Http.GetAsync(new Uri($"/invigilate/sittings/{sitting.Sitting.Id}/log?format=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"Sitting ended\"", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_written_outside_the_hub_reach_the_invigilators_and_the_candidate_a_page_form_admission_a_time_up_and_a_window_close()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "OUT");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        var (a, b) = (sitting.Candidates[0], sitting.Candidates[1]);
        await using var pageA = await CheckedInAsync(sitting, a);
        await using var pageB = await CheckedInAsync(sitting, b);
        await SeenAsync(watcher, b.Id, row => row.State == "waiting", "B waiting");

        // Admitted through the sitting page's form, not the hub.
        using (var invigilator = await LiveClient.StaffAsync(_base, sitting.Invigilator.SignInName))
        {
            foreach (var candidate in new[] { a, b })
            {
                using var admitted = await invigilator.Page.PostFormAsync($"/invigilate/sittings/{sitting.Sitting.Id}", $"/invigilate/sittings/{sitting.Sitting.Id}?handler=Admit",
                    [new("candidateId", candidate.Id.ToString()), new("identityChecked", "true")]);
                Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            }
        }

        await SeenAsync(watcher, a.Id, row => row.State == "admitted", "A admitted by the page form, on the grid");
        await ToldAsync(pageA, clock => clock.Status == "Admitted", "A's page told of the admission");
        await Task.WhenAll(StartAsync(pageA), StartAsync(pageB));
        await SeenAsync(watcher, b.Id, row => row.State == "in-progress", "B in progress");

        // A's time is up: the job runs as the job server would, at a time past the deadline.
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(3));
        using (var scope = _engine.Services.CreateScope())
        {
            var timeUp = ActivatorUtilities.CreateInstance<SubmitAtTimeUpJob>(scope.ServiceProvider, (TimeProvider)later);
            await timeUp.RunAsync(pageA.AttemptId, CancellationToken.None);
        }

        await SeenAsync(watcher, a.Id, row => row is { State: "submitted", Note: SubmissionReasons.TimeUp }, "A submitted at time-up, on the grid");
        await ToldAsync(pageA, clock => clock.Status == "Submitted", "A's page told of the time-up");

        // B's window closes under the test (the window job, at a time past the close).
        await using (var query = store.QuerySession())
        {
            var enrolmentId = (await query.LoadAsync<Attempt>(pageB.AttemptId))!.EnrolmentId;
            var afterTheWindow = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(60));
            using var scope = _engine.Services.CreateScope();
            await ActivatorUtilities.CreateInstance<CloseWindowsJob>(scope.ServiceProvider, (TimeProvider)afterTheWindow).CloseAsync(enrolmentId, CancellationToken.None);
        }

        await SeenAsync(watcher, b.Id, row => row is { State: "submitted", Note: SubmissionReasons.WindowClosed }, "B submitted at the window's close, on the grid");
        await ToldAsync(pageB, clock => clock.Status == "Submitted", "B's page told of the window's close");
    }

    [Fact]
    public async Task The_invigilators_log_says_who_was_admitted_paused_given_time_and_voided()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "WHO");
        await using var first = await WatchingAsync(sitting, sitting.Invigilator);
        await using var second = await WatchingAsync(sitting, sitting.SecondInvigilator);
        var (a, b) = (sitting.Candidates[0], sitting.Candidates[1]);
        await using var pageA = await CheckedInAsync(sitting, a);
        await using var pageB = await CheckedInAsync(sitting, b);
        await SeenAsync(second, b.Id, row => row.State == "waiting", "B waiting");
        var actor = sitting.Invigilator.SignInName;

        await first.Hub.InvokeAsync("Admit", sitting.Sitting.Id, a.Id, true);
        await first.Hub.InvokeAsync("Admit", sitting.Sitting.Id, b.Id, true);
        await Task.WhenAll(StartAsync(pageA), StartAsync(pageB));
        await first.Hub.InvokeAsync<int>("Pause", sitting.Sitting.Id, new[] { a.Id }, "rest break");
        await first.Hub.InvokeAsync<int>("ExtendTime", sitting.Sitting.Id, new[] { b.Id }, 10, "the computer froze");
        await first.Hub.InvokeAsync("Void", sitting.Sitting.Id, b.Id, "notes on the desk");

        string[] expected =
        [
            $"{actor} admitted {a.CandidateNumber} after an identity check", $"{actor} admitted {b.CandidateNumber} after an identity check",
            $"{actor} paused {a.CandidateNumber}: rest break", $"{actor} gave {b.CandidateNumber} 10 more minute(s): the computer froze",
            $"{actor} voided the attempt of {b.CandidateNumber}: notes on the desk",
        ];
        await Eventually.GetAsync(() => Task.FromResult(second.Log.ToList()), log => expected.All(log.Contains), Within,
            "every action in the second invigilator's log, saying who");
    }

    [Fact]
    public async Task Invigilators_ending_a_sitting_at_the_same_moment_end_it_once()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "END");
        var accounts = Enumerable.Range(0, 6).Select(n => n % 2 == 0 ? sitting.Invigilator : sitting.SecondInvigilator).ToList();

        await Task.WhenAll(accounts.Select(account => Task.Run(async () =>
        {
            using var scope = _engine.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<EndSitting>().HandleAsync(sitting.Sitting.Id, new Invigilator(account.Id, account.SignInName), CancellationToken.None);
        })));

        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await query.Events.FetchStreamAsync(sitting.Sitting.Id);
        Assert.Single(events, e => e.Data is SittingEnded);
    }

    [Fact]
    public async Task Hub_methods_refuse_whoever_does_not_invigilate_the_sitting_or_own_the_attempt()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "HUB");
        var elsewhere = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "HBX");
        await using var mine = await CheckedInAsync(sitting, sitting.Candidates[0]);

        // An invigilator, but of another sitting: every method says so and changes nothing.
        using var stranger = await LiveClient.StaffAsync(_base, elsewhere.Invigilator.SignInName);
        await using var hub = stranger.Hub("/hubs/invigilation");
        await hub.StartAsync();
        var id = sitting.Sitting.Id;
        var candidate = sitting.Candidates[0].Id;
        var calls = new (string Method, object?[] Args)[]
        {
            ("Watch", [id]), ("Admit", [id, candidate, true]), ("Refuse", [id, candidate, "x"]), ("Pause", [id, null, null]), ("Resume", [id, null]),
            ("ExtendTime", [id, null, 5, "x"]), ("Message", [id, null, "x"]), ("LogIncident", [id, "FIRE", null, null]), ("Void", [id, candidate, "x"]),
            ("EndSitting", [id]), ("RotateCode", [id]), ("IssueSignInCode", [id, candidate]), ("AdmitTicked", [id, new[] { candidate }]), ("StartRoom", [id]),
        };
        var methods = typeof(InvigilationHub).GetMethods().Where(m => m.DeclaringType == typeof(InvigilationHub)).Select(m => m.Name).ToHashSet();
        Assert.Equal(methods.Order(), calls.Select(c => c.Method).Order()); // every hub method is in the list
        foreach (var (method, args) in calls)
        {
            var refusal = await Assert.ThrowsAsync<HubException>(() => hub.InvokeCoreAsync(method, typeof(object), args));
            Assert.Contains("There is no such sitting assigned to you.", refusal.Message, StringComparison.Ordinal);
        }

        await using (var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            Assert.Equal(AttemptStatus.Waiting, (await query.LoadAsync<Attempt>(mine.AttemptId))!.Status);
        }

        // Another candidate cannot join, or report for, someone else's attempt.
        using var other = await LiveClient.CandidateAsync(_base, sitting.Centre.Number, sitting.Candidates[1].CandidateNumber);
        await using var otherHub = other.Hub("/hubs/candidate");
        await otherHub.StartAsync();
        Assert.Contains("There is no such attempt of yours.", (await Assert.ThrowsAsync<HubException>(() => otherHub.InvokeAsync<Clock>("Join", mine.AttemptId))).Message, StringComparison.Ordinal);
        Assert.Contains("Join the attempt first.", (await Assert.ThrowsAsync<HubException>(() => otherHub.InvokeAsync("Heartbeat", mine.AttemptId))).Message, StringComparison.Ordinal);
        Assert.Contains("Join the attempt first.", (await Assert.ThrowsAsync<HubException>(() => otherHub.InvokeAsync("Focus", mine.AttemptId, true))).Message, StringComparison.Ordinal);
        var candidateMethods = typeof(CandidateHub).GetMethods().Where(m => m.DeclaringType == typeof(CandidateHub) && !m.IsVirtual).Select(m => m.Name).Order();
        Assert.Equal(["Focus", "Heartbeat", "Join"], candidateMethods);

        // Nobody else gets a connection at all: a candidate to the invigilators' hub, an assessor, or anyone signed out.
        var invigilatorHubAsCandidate = other.Hub("/hubs/invigilation");
        await Assert.ThrowsAsync<HttpRequestException>(() => invigilatorHubAsCandidate.StartAsync());
        var signedOut = new HubConnectionBuilder().WithUrl(new Uri(_base, "/hubs/candidate")).Build();
        await Assert.ThrowsAsync<HttpRequestException>(() => signedOut.StartAsync());
    }

    [Fact]
    public async Task An_invigilator_gives_a_candidate_a_new_sign_in_code_and_only_that_code_works_while_their_test_goes_on()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "NSC");
        var elsewhere = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "NSX");
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        var (a, b) = (sitting.Candidates[0], sitting.Candidates[1]);
        var unbooked = await Centres.CandidateAsync(store, sitting.Centre, "NSC9999");
        var otherRoom = await Centres.StaffAsync(store, sitting.Centre, $"inv3-{sitting.Centre.Number}@example.org", Role.Invigilator);
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ScheduleSitting>().HandleAsync(
                sitting.Centre.Id, "FE6V 35", "Room 10", DateTimeOffset.UtcNow, 60, [otherRoom.Id], new("officer@example.org", "192.0.2.1"));
        }

        // The exam officer printed codes for A and B; A signed in with a password and is in the test; B then mistyped
        // their code until this address must wait.
        string oldCode;
        using (var scope = _engine.Services.CreateScope())
        {
            var printed = await scope.ServiceProvider.GetRequiredService<CentreRegistry>()
                .IssueCandidateCodesAsync(sitting.Centre.Id, [a.Id, b.Id], new("officer@example.org", "192.0.2.1"));
            oldCode = printed.Single(p => p.Candidate.Id == b.Id).Code;
        }

        await using var first = await WatchingAsync(sitting, sitting.Invigilator);
        await using var second = await WatchingAsync(sitting, sitting.SecondInvigilator);
        await using var pageA = await CheckedInAsync(sitting, a);
        await first.Hub.InvokeAsync("Admit", sitting.Sitting.Id, a.Id, true);
        await StartAsync(pageA);
        await SaveAsync(pageA, 1, "A before the new code");
        using var deskB = await LiveClient.AnonymousAsync(_base);
        // Wrong codes until B is made to wait. The first wait is 2 seconds and doubles with each failure; on a busy machine
        // one request can outlast it, so keep trying (a few more tries always land inside a wait) rather than expect the
        // fourth to.
        var waiting = false;
        for (var i = 1; i <= SignInService.FreeFailures + 6 && !waiting; i++)
        {
            using var wrong = await deskB.Page.SignInAsCandidateAsync(sitting.Centre.Number, b.CandidateNumber, "AAAA-BBBB-CCCC");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            waiting = (await wrong.Content.ReadAsStringAsync()).Contains("Too many failed sign-ins", StringComparison.Ordinal);
            Assert.False(waiting && i <= SignInService.FreeFailures, $"made to wait after {i} failure(s)");
        }

        Assert.True(waiting, "B was never made to wait");

        async Task<(string? Hash, int Audited)> StoredAsync(Candidate candidate)
        {
            await using var query = store.QuerySession();
            var account = (await query.LoadAsync<UserAccount>(candidate.UserId))!;
            return (account.OneTimeCodeHash, await query.Query<AuditEntry>().CountAsync(e => e.Action == nameof(CandidateSignInCodeReissued) && e.SubjectId == sitting.Sitting.Id));
        }

        // Whoever may not do it is refused, and nothing changes: another centre's invigilator, another sitting's, an
        // invigilator of this one for a candidate not booked on it (of this centre or another), a candidate.
        var beforeB = await StoredAsync(b);
        var beforeUnbooked = await StoredAsync(unbooked);
        using var otherCentre = await LiveClient.StaffAsync(_base, elsewhere.Invigilator.SignInName);
        using var otherSitting = await LiveClient.StaffAsync(_base, otherRoom.SignInName);
        foreach (var stranger in new[] { otherCentre, otherSitting })
        {
            await using var hub = stranger.Hub("/hubs/invigilation");
            await hub.StartAsync();
            var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, b.Id));
            Assert.Contains("There is no such sitting assigned to you.", refused.Message, StringComparison.Ordinal);
        }

        foreach (var notHere in new[] { unbooked, elsewhere.Candidates[0] })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => first.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, notHere.Id));
            Assert.Contains("not booked on this sitting", refused.Message, StringComparison.Ordinal);
        }

        await using var candidateHub = pageA.Client.Hub("/hubs/invigilation");
        await Assert.ThrowsAsync<HttpRequestException>(() => candidateHub.StartAsync());
        Assert.Equal(beforeB, await StoredAsync(b));
        Assert.Equal(beforeUnbooked, await StoredAsync(unbooked));
        Assert.Equal(0, beforeB.Audited);

        // The invigilator gives B a new code: only the invigilator who asked is told it.
        var code = await first.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, b.Id);
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        await Eventually.GetAsync(() => Task.FromResult(second.Log.Count(l => l.Contains($"new sign-in code for {b.CandidateNumber}", StringComparison.Ordinal))), n => n == 1, Within,
            "the new code logged on the second screen");
        Assert.DoesNotContain(second.Log.Concat(first.Log), l => l.Contains(code, StringComparison.Ordinal));

        // B's old code no longer works, and B need not wait (the failures before no longer count); the new one works, once.
        using (var old = await deskB.Page.SignInAsCandidateAsync(sitting.Centre.Number, b.CandidateNumber, oldCode))
        {
            Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
            Assert.Contains(WebUtility.HtmlEncode(SignInService.NotRecognised), await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var signedIn = await deskB.Page.SignInAsCandidateAsync(sitting.Centre.Number, b.CandidateNumber, code.ToLowerInvariant()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var again = await (await LiveClient.AnonymousAsync(_base)).Page.SignInAsCandidateAsync(sitting.Centre.Number, b.CandidateNumber, code))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        // A new code for A, who is in the test: A's session goes on (saves, the live clock).
        var codeA = await first.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, a.Id);
        Assert.NotEqual(code, codeA);
        await SaveAsync(pageA, 2, "A after the new code");
        Assert.Equal("InProgress", (await pageA.Hub.InvokeAsync<Clock>("Join", pageA.AttemptId)).Status);
        Assert.Contains("data-token=", await pageA.Client.Page.GetPageAsync($"/candidate/attempts/{pageA.AttemptId}/test"), StringComparison.Ordinal);

        // Audited with who, for whom, which sitting and from where; and in the sitting's record.
        await using (var query = store.QuerySession())
        {
            var entries = await query.Query<AuditEntry>().Where(e => e.Action == nameof(CandidateSignInCodeReissued) && e.SubjectId == sitting.Sitting.Id).ToListAsync();
            Assert.Equal(2, entries.Count);
            var forB = Assert.Single(entries, e => e.Description.Contains(b.CandidateNumber, StringComparison.Ordinal));
            Assert.Equal(sitting.Invigilator.SignInName, forB.Actor);
            Assert.Equal([sitting.Centre.Id], forB.CentreIds);
            Assert.Equal("127.0.0.1", forB.SourceAddress);
        }

        Assert.Equal(2, await StoredEvents.CountAsync(database.ConnectionString, sitting.Sitting.Id, "candidate_sign_in_code_reissued"));
        using var reader = await LiveClient.StaffAsync(_base, sitting.Invigilator.SignInName);
        var log = WebUtility.HtmlDecode(await reader.Page.GetPageAsync($"/invigilate/sittings/{sitting.Sitting.Id}/log"));
        Assert.Contains($"New sign-in code issued (the old one no longer works)", log, StringComparison.Ordinal);
        Assert.DoesNotContain(code, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_sign_in_codes_are_limited_to_a_few_a_minute_in_a_sitting()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "NSL");
        var candidate = sitting.Candidates[0];
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        for (var i = 1; i < IssueSignInCode.PerSittingPerMinute; i++)
        {
            await watcher.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, candidate.Id);
        }

        var last = await watcher.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, candidate.Id);
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.Hub.InvokeAsync<string>("IssueSignInCode", sitting.Sitting.Id, candidate.Id));
        Assert.Contains("a minute", refused.Message, StringComparison.Ordinal);
        Assert.Equal(IssueSignInCode.PerSittingPerMinute, await StoredEvents.CountAsync(database.ConnectionString, sitting.Sitting.Id, "candidate_sign_in_code_reissued"));
        using var desk = await LiveClient.AnonymousAsync(_base);
        using var signedIn = await desk.Page.SignInAsCandidateAsync(sitting.Centre.Number, candidate.CandidateNumber, last);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task The_sitting_pages_refuse_form_is_held_to_the_same_rules_as_the_hub()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "FRM");
        var candidate = sitting.Candidates[0];
        await using var page = await CheckedInAsync(sitting, candidate);
        var room = $"/invigilate/sittings/{sitting.Sitting.Id}";

        using var invigilator = await LiveClient.StaffAsync(_base, sitting.Invigilator.SignInName);
        using var refused = await invigilator.Page.PostFormAsync(room, $"{room}?handler=Refuse",
            [new("candidateId", candidate.Id.ToString()), new("reason", new string('x', 1_001))]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Keep the reason to 1000 characters", await refused.Content.ReadAsStringAsync());
        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(AttemptStatus.Waiting, (await query.LoadAsync<Attempt>(page.AttemptId))!.Status);
    }

    [Fact]
    public async Task Focus_and_connection_are_shown_live_and_recorded()
    {
        var (watcher, candidate, page) = await OneCandidateUnderWayAsync("FOC");
        await using var watching = watcher;

        await page.Hub.InvokeAsync("Focus", page.AttemptId, true);
        await page.Hub.InvokeAsync("Focus", page.AttemptId, true); // the same state twice is one event
        var joined = (await SeenAsync(watcher, candidate.Id, row => row is { Focused: false, FocusLost: 1 }, "focus lost")).LastSeenAt;
        await page.Hub.InvokeAsync("Focus", page.AttemptId, false);
        await page.Hub.InvokeAsync("Heartbeat", page.AttemptId);
        await SeenAsync(watcher, candidate.Id, row => row is { Focused: true, Connected: true } && row.LastSeenAt > joined, "focus back, heard from since joining");

        await page.DisposeAsync(); // the page goes away
        await SeenAsync(watcher, candidate.Id, row => !row.Connected, "disconnected");
        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var kinds = (await query.Events.FetchStreamAsync(CandidatePresence.StreamFor(page.AttemptId))).Select(e => e.Data.GetType().Name).ToList();
        Assert.Equal(1, kinds.Count(k => k == nameof(FocusLost)));
        Assert.Equal(1, kinds.Count(k => k == nameof(FocusRegained)));
        Assert.Contains(nameof(CandidateDisconnected), kinds);

        // Presence has a stream of its own: a focus change never competes with an answer save for the attempt's.
        var attemptKinds = (await query.Events.FetchStreamAsync(page.AttemptId)).Select(e => e.Data.GetType().Name).ToList();
        Assert.DoesNotContain(attemptKinds, kind => kind is nameof(FocusLost) or nameof(FocusRegained) or nameof(CandidateConnected) or nameof(CandidateDisconnected));
    }

    [Fact]
    public async Task Focus_and_connection_written_to_the_attempt_stream_before_presence_had_its_own_still_show()
    {
        var (watcher, candidate, page) = await OneCandidateUnderWayAsync("OLD");
        await using var watching = watcher;

        // Written the old way: on the attempt's own stream.
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        var at = DateTimeOffset.UtcNow;
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(page.AttemptId, new FocusLost(page.AttemptId, at), new FocusRegained(page.AttemptId, at.AddSeconds(1)), new FocusLost(page.AttemptId, at.AddSeconds(2)));
            await session.SaveChangesAsync();
        }

        await using (var query = store.QuerySession())
        {
            var presence = (await query.LoadAsync<CandidatePresence>(page.AttemptId))!;
            Assert.Equal((false, 2), (presence.Focused, presence.FocusLostCount));
        }

        await using (var session = store.LightweightSession())
        {
            var attempt = await session.Events.FetchForWriting<Attempt>(page.AttemptId);
            Assert.Equal(AttemptStatus.InProgress, attempt.Aggregate!.Status);
        }

        // The page comes back: decided on what both streams say, written to the presence stream, shown on the grid.
        await page.Hub.InvokeAsync("Focus", page.AttemptId, false);
        await SeenAsync(watcher, candidate.Id, row => row is { Focused: true, FocusLost: 2 }, "the old focus losses and the new regain together");
    }

    [Fact]
    public async Task Answers_reach_the_invigilators_grid_batched_at_most_once_a_second_with_each_candidates_latest_row()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "GRB");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        await using var pageA = await CheckedInAsync(sitting, sitting.Candidates[0]);
        await using var pageB = await CheckedInAsync(sitting, sitting.Candidates[1]);
        foreach (var candidate in sitting.Candidates)
        {
            await watcher.Hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        }

        await Task.WhenAll(StartAsync(pageA), StartAsync(pageB));
        await SeenAsync(watcher, sitting.Candidates[1].Id, row => row.State == "in-progress", "B in progress");
        watcher.Changed.Clear();

        // Five flags each, saved one request at a time, as fast as the engine answers.
        var saving = System.Diagnostics.Stopwatch.StartNew();
        for (var item = 1; item <= 5; item++)
        {
            await Task.WhenAll(FlagAsync(pageA, item, item), FlagAsync(pageB, item, item));
        }

        saving.Stop();
        await SeenAsync(watcher, sitting.Candidates[0].Id, row => row.Flagged == 5, "A's five flags, on the grid");
        await SeenAsync(watcher, sitting.Candidates[1].Id, row => row.Flagged == 5, "B's five flags, on the grid");

        // Ten saves: at most one message a second, each candidate at most once in each, the last one their latest row.
        BatchedOnceASecond(watcher.Changed, saving.Elapsed, row => row.CandidateId);
    }

    /// <summary>At most one message a second (and one spare for the second the burst began in), each candidate at most once in each.</summary>
    private static void BatchedOnceASecond<T>(IEnumerable<IReadOnlyList<T>> pushed, TimeSpan burst, Func<T, Guid> candidateOf)
    {
        var messages = pushed.ToList();
        Assert.InRange(messages.Count, 1, (int)burst.TotalSeconds + 2);
        Assert.All(messages, each => Assert.Equal(each.Count, each.Select(candidateOf).Distinct().Count()));
    }

    [Fact]
    public async Task An_invigilator_admits_everyone_ticked_in_one_call_and_is_told_who_was_refused_and_why()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 4, "TIK");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        var pages = new List<CandidatePage>();
        foreach (var candidate in sitting.Candidates.Take(3))
        {
            pages.Add(await CheckedInAsync(sitting, candidate));
        }

        try
        {
            var ticked = sitting.Candidates.Select(c => c.Id).ToArray(); // the fourth has not checked in
            var summary = await watcher.Hub.InvokeAsync<AdmissionSummary>("AdmitTicked", sitting.Sitting.Id, ticked);
            Assert.Equal(3, summary.Admitted);
            Assert.Equal(0, summary.AlreadyAdmitted);
            var refused = Assert.Single(summary.Refused);
            Assert.Equal(sitting.Candidates[3].Id, refused.CandidateId);
            Assert.Equal(sitting.Candidates[3].CandidateNumber, refused.CandidateNumber);
            Assert.Contains("not checked in", refused.Reason, StringComparison.Ordinal);

            foreach (var page in pages)
            {
                await ToldAsync(page, clock => clock.Status == "Admitted", "the page told of its admission");
            }

            // Each admitted candidate has a form of their own, and the log names each admission.
            await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
            var attempts = await query.LoadManyAsync<Attempt>(pages.Select(p => p.AttemptId).ToArray());
            Assert.All(attempts, a => Assert.True(a is { Status: AttemptStatus.Admitted, Form.Items.Count: > 0 }));
            Assert.Equal(3, attempts.Select(a => string.Join(",", a.Form!.Items.Select(i => i.ItemId).Order())).Distinct().Count());
            await Eventually.GetAsync(() => Task.FromResult(watcher.Log.Count(l => l.Contains("admitted", StringComparison.Ordinal))), n => n == 3, Within, "three admissions logged");

            // Ticking them again admits nobody twice; a candidate of no one's sitting refuses the call, admitting nobody.
            var again = await watcher.Hub.InvokeAsync<AdmissionSummary>("AdmitTicked", sitting.Sitting.Id, ticked.Take(3).ToArray());
            Assert.Equal((0, 3), (again.Admitted, again.AlreadyAdmitted));
            var stranger = await Assert.ThrowsAsync<HubException>(() => watcher.Hub.InvokeAsync<AdmissionSummary>("AdmitTicked", sitting.Sitting.Id, new[] { sitting.Candidates[3].Id, Guid.NewGuid() }));
            Assert.Contains("not booked", stranger.Message, StringComparison.Ordinal);
            var empty = await Assert.ThrowsAsync<HubException>(() => watcher.Hub.InvokeAsync<AdmissionSummary>("AdmitTicked", sitting.Sitting.Id, Array.Empty<Guid>()));
            Assert.Contains("No candidates", empty.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var page in pages)
            {
                await page.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Starting_the_room_starts_every_admitted_candidate_and_tells_their_pages()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 3, "ROO");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        await using var pageA = await CheckedInAsync(sitting, sitting.Candidates[0]);
        await using var pageB = await CheckedInAsync(sitting, sitting.Candidates[1]);
        await using var pageC = await CheckedInAsync(sitting, sitting.Candidates[2]);
        await watcher.Hub.InvokeAsync<AdmissionSummary>("AdmitTicked", sitting.Sitting.Id, new[] { sitting.Candidates[0].Id, sitting.Candidates[1].Id });

        var start = await watcher.Hub.InvokeAsync<RoomStart>("StartRoom", sitting.Sitting.Id);
        Assert.Equal((2, 0), (start.Started, start.AlreadyStarted));
        Assert.Empty(start.Refused);
        foreach (var page in new[] { pageA, pageB })
        {
            var clock = await ToldAsync(page, c => c.Status == "InProgress", "the page told the test started");
            Assert.NotNull(clock.Deadline);
        }

        // Tests started together end together: one time-up job for the two, not one each (a room of 1,000 would
        // otherwise write 1,000 jobs while its pages open the test).
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var jobs = new NpgsqlCommand(
                "select count(*) from hangfire.job where statename = 'Scheduled' and invocationdata::text like '%SubmitAtTimeUpJob%' and (arguments::text like @a or arguments::text like @b)", connection);
            jobs.Parameters.AddWithValue("a", $"%{pageA.AttemptId}%");
            jobs.Parameters.AddWithValue("b", $"%{pageB.AttemptId}%");
            Assert.Equal(1L, (long)(await jobs.ExecuteScalarAsync())!);
        }

        // The candidate still waiting is not started; starting again starts nobody twice.
        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(AttemptStatus.Waiting, (await query.LoadAsync<Attempt>(pageC.AttemptId))!.Status);
        var again = await watcher.Hub.InvokeAsync<RoomStart>("StartRoom", sitting.Sitting.Id);
        Assert.Equal((0, 2), (again.Started, again.AlreadyStarted));
        await SeenAsync(watcher, sitting.Candidates[1].Id, row => row.State == "in-progress", "B in progress, on the grid");
        await Eventually.GetAsync(() => Task.FromResult(watcher.Log.ToList()), log => log.Any(l => l.Contains("started the room", StringComparison.Ordinal)), Within, "the start logged");
    }

    [Fact]
    public async Task An_answer_save_and_opening_the_test_are_each_one_read_and_one_write_to_the_database()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "RTT");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        await using var page = await CheckedInAsync(sitting, sitting.Candidates[0]);
        await watcher.Hub.InvokeAsync("Admit", sitting.Sitting.Id, sitting.Candidates[0].Id, true);
        await StartAsync(page);
        await FlagAsync(page, 1, 1); // the first save may read what a node keeps once (the account, the items)

        var commands = new ConcurrentBag<string>();
        var trace = System.Diagnostics.ActivityTraceId.CreateRandom();
        // The session's account is checked on every request but read at most once every few seconds per node
        // (CurrentAccounts): on a busy machine that read may fall in this request; it is not the attempt's.
        using var listener = DatabaseCommands(trace, text => !text.Contains("mt_doc_useraccount", StringComparison.Ordinal), text => commands.Add(text[..Math.Min(text.Length, 80)]));
        await page.Client.Page.GetPageAsync($"/candidate/attempts/{page.AttemptId}/test"); // the account, as read once every few seconds

        var traceparent = $"00-{trace}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01";
        using var saved = await page.Client.PostJsonAsync($"/api/attempts/{page.AttemptId}/answers",
            new { page = page.Page, changes = new[] { new { sequence = 2L, item = 2, flagged = true } } }, page.Token, ("traceparent", traceparent));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.True(commands.Count == 2, $"{commands.Count} round trips: {string.Join("; ", commands)}");
        await SeenAsync(watcher, sitting.Candidates[0].Id, row => row.Flagged == 2, "the save, on the grid all the same");

        // Opening the test (what each page of a room started together does at once) is one read and one write too.
        commands.Clear();
        using var opened = await page.Client.PostJsonAsync($"/api/attempts/{page.AttemptId}/open", new { page = "another-page" }, page.Token, ("traceparent", traceparent));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.True(commands.Count == 2, $"opening: {commands.Count} round trips: {string.Join("; ", commands)}");
    }

    [Fact]
    public async Task A_sittings_whole_document_is_read_only_when_it_has_changed_and_its_change_is_seen_at_once()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "SRD");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        await using var page = await CheckedInAsync(sitting, sitting.Candidates[0]);
        using var other = await LiveClient.CandidateAsync(_base, sitting.Centre.Number, sitting.Candidates[1].CandidateNumber);

        // Reads of the sitting's document (every booking in it) made for requests of this trace.
        var wholeReads = new ConcurrentBag<string>();
        var trace = System.Diagnostics.ActivityTraceId.CreateRandom();
        using var listener = DatabaseCommands(trace, text => text.Contains("mt_doc_sitting", StringComparison.Ordinal) && text.Contains("data", StringComparison.Ordinal), wholeReads.Add);
        async Task<HttpStatusCode> GetAsync(LiveClient client, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("traceparent", $"00-{trace}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");
            using var response = await client.Http.SendAsync(request);
            return response.StatusCode;
        }

        // The waiting page and the check-in page, again and again: the sitting has not changed, so its document is read
        // at most once (this node may not have held it yet).
        for (var visit = 0; visit < 3; visit++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync(page.Client, $"/candidate/attempts/{page.AttemptId}"));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(other, $"/candidate/sittings/{sitting.Sitting.Id}"));
        }

        Assert.True(wholeReads.Count <= 1, $"{wholeReads.Count} whole reads of an unchanged sitting in 6 pages");

        // The sitting ends: the very next check-in sees it.
        await watcher.Hub.InvokeAsync("EndSitting", sitting.Sitting.Id);
        using var late = await other.Page.PostFormAsync($"/candidate/sittings/{sitting.Sitting.Id}", $"/candidate/sittings/{sitting.Sitting.Id}", [new("accessCode", sitting.Sitting.AccessCode!)]);
        Assert.NotEqual(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("has ended", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Hands each database command made for requests of <paramref name="trace"/> (their traceparent) that <paramref name="keep"/> keeps to <paramref name="seen"/>.</summary>
    private static System.Diagnostics.ActivityListener DatabaseCommands(System.Diagnostics.ActivityTraceId trace, Func<string, bool> keep, Action<string> seen)
    {
        var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement"))?.ToString() ?? activity.DisplayName;
                if (activity.Source.Name == "Npgsql" && activity.TraceId == trace && keep(text))
                {
                    seen(text);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task FlagAsync(CandidatePage page, long sequence, int item)
    {
        using var response = await page.Client.PostJsonAsync($"/api/attempts/{page.AttemptId}/answers",
            new { page = page.Page, changes = new[] { new { sequence, item, flagged = true } } }, page.Token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Heartbeats_reach_the_invigilators_batched_at_most_once_a_second_with_each_candidates_latest_time()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "BEA");
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator);
        await using var pageA = await CheckedInAsync(sitting, sitting.Candidates[0]);
        await using var pageB = await CheckedInAsync(sitting, sitting.Candidates[1]);

        var before = DateTimeOffset.UtcNow;
        var beating = System.Diagnostics.Stopwatch.StartNew();
        for (var beat = 0; beat < 5; beat++)
        {
            await Task.WhenAll(pageA.Hub.InvokeAsync("Heartbeat", pageA.AttemptId), pageB.Hub.InvokeAsync("Heartbeat", pageB.AttemptId));
        }

        beating.Stop();
        foreach (var (page, candidate) in new[] { (pageA, sitting.Candidates[0]), (pageB, sitting.Candidates[1]) })
        {
            // Written within the second: the time stored is the time on the screen.
            await Eventually.GetAsync(async () => (Stored: (await PresenceAsync(page.AttemptId))?.LastSeenAt, Shown: watcher.Rows.GetValueOrDefault(candidate.Id)?.LastSeenAt),
                seen => seen.Stored > before && seen.Stored == seen.Shown, Within, "a heartbeat's time, stored and on the screen");
        }

        // Ten heartbeats in a fraction of a second: one message a second at most, a candidate at most once in each.
        BatchedOnceASecond(watcher.Seen, beating.Elapsed, notice => notice.CandidateId);
    }

    [Fact]
    public async Task Heartbeats_heard_in_the_same_second_are_written_together_not_one_transaction_each()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 8, "HBW");
        var pages = new List<CandidatePage>();
        try
        {
            foreach (var candidate in sitting.Candidates)
            {
                pages.Add(await CheckedInAsync(sitting, candidate));
            }

            var joined = new Dictionary<Guid, DateTimeOffset>();
            foreach (var page in pages)
            {
                joined[page.AttemptId] = (await Eventually.GetAsync(() => PresenceAsync(page.AttemptId), p => p is not null, Within, "presence on joining"))!.LastSeenAt;
            }

            // Eight pages beat at the same moment: their presences are written in one transaction a second (two if a
            // second's write falls among them, a few more if a busy machine spreads the calls over seconds), not one
            // each — at 3,000 candidates that was 300 transactions a second.
            await Task.WhenAll(pages.Select(page => page.Hub.InvokeAsync("Heartbeat", page.AttemptId)));
            foreach (var page in pages)
            {
                await Eventually.GetAsync(() => PresenceAsync(page.AttemptId), p => p!.LastSeenAt > joined[page.AttemptId], Within, "the heartbeat, stored");
            }

            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var transactions = new NpgsqlCommand("select count(distinct xmin::text) from ae.mt_doc_presence where id = any(@ids)", connection);
            transactions.Parameters.AddWithValue("ids", pages.Select(p => p.AttemptId).ToArray());
            var written = (long)(await transactions.ExecuteScalarAsync())!;
            Assert.True(written <= 4, $"eight heartbeats written in {written} transactions");
        }
        finally
        {
            foreach (var page in pages)
            {
                await page.DisposeAsync();
            }
        }
    }

    private async Task<Presence?> PresenceAsync(Guid attemptId)
    {
        await using var query = _engine.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await query.LoadAsync<Presence>(attemptId);
    }

    [Fact]
    public async Task With_two_nodes_and_redis_a_candidate_on_one_is_seen_live_on_the_other_and_a_pause_reaches_back()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "TWO");
        using var redis = await RedisServer.StartAsync();
        var backplane = new Dictionary<string, string> { ["ConnectionStrings__Redis"] = redis.ConnectionString };
        using var nodeA = await EngineProcess.Start(database.ConnectionString, "web", backplane).HealthyAsync();
        using var nodeB = await EngineProcess.Start(database.ConnectionString, "web", backplane).HealthyAsync();
        var candidate = sitting.Candidates[0];

        await using var page = await CheckedInAsync(sitting, candidate, nodeA.BaseAddress);     // the candidate's page on node A
        await using var watcher = await WatchingAsync(sitting, sitting.Invigilator, nodeB.BaseAddress); // the invigilator on node B
        await watcher.Hub.InvokeAsync("Admit", sitting.Sitting.Id, candidate.Id, true);
        await StartAsync(page);

        // An answer saved on A shows on B's dashboard; a pause given on B reaches the page on A.
        await SaveAsync(page, 1, "a flag saved on node A");
        var row = await SeenAsync(watcher, candidate.Id, r => r is { State: "in-progress", Flagged: 1, Connected: true }, "the candidate on A, seen on B");
        Assert.Equal("in-progress", row.State);
        await watcher.Hub.InvokeAsync<int>("Pause", sitting.Sitting.Id, new[] { candidate.Id }, "fire alarm");
        await ToldAsync(page, clock => clock.Paused, "the pause from B, on the page on A");

        // The candidate's sign-in from A is good on B (the keys are shared): a load balancer may move them at any time.
        using var onB = page.Client.At(nodeB.BaseAddress);
        Assert.Contains("data-token=", await onB.Page.GetPageAsync($"/candidate/attempts/{page.AttemptId}/test"), StringComparison.Ordinal);
    }
}
