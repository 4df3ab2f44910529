using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Invigilation;

/// <summary>
/// A sitting invigilated as people do it, in four browsers against a real server, clock and database: the invigilator
/// admits three candidates from the live dashboard, pauses one, extends another, messages the room, logs an incident,
/// voids the third and ends the sitting; each candidate's page shows each effect, and the sitting's record holds it all.
/// And a full room: hundreds of candidates changing at once, every change shown, and the invigilator's typing undisturbed.
/// </summary>
public sealed partial class InvigilatingInTheBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{

    /// <summary>Reports every CSP violation as a console error, so that the console check catches it.</summary>
    private const string ReportViolations =
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));";

    private EngineFactory _engine = null!;
    private string _baseUrl = null!;
    private readonly List<string> _scriptErrors = [];

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task An_invigilator_admits_pauses_extends_messages_logs_voids_and_ends_and_every_candidate_page_shows_it()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 3, "IBT");
        var (a, b, c) = (sitting.Candidates[0], sitting.Candidates[1], sitting.Candidates[2]);
        var sittingUrl = $"{_baseUrl}/invigilate/sittings/{sitting.Sitting.Id}";

        await using var dashboards = await DashboardsAsync(sitting);
        var (room, checker) = (dashboards.Room, dashboards.Checker);
        var accessCode = (await room.Locator("#access-code").InnerTextAsync()).Trim();
        Assert.Equal(sitting.Sitting.AccessCode, accessCode);

        // Three candidates check in with the code shown at the front of the room.
        await using var contextA = await ContextAsync();
        await using var contextB = await ContextAsync();
        await using var contextC = await ContextAsync();
        var pageA = await CheckedInAsync(contextA, sitting, a, accessCode);
        var pageB = await CheckedInAsync(contextB, sitting, b, accessCode);
        var pageC = await CheckedInAsync(contextC, sitting, c, accessCode);
        foreach (var candidate in sitting.Candidates)
        {
            await Expect(StateOf(room, candidate)).ToHaveTextAsync("Waiting for admission");
        }

        await CheckAsync(checker, "the dashboard with candidates waiting");

        // Admitted from the grid after the identity check; the waiting room moves on and the candidate starts. B's and C's
        // identities are checked while A works, and the ticks survive the grid's redraws (A's changes, B's admission).
        await AdmitAsync(room, a);
        await StartAsync(room, sitting, pageA, a);
        await Row(room, b).GetByLabel("Identity checked").CheckAsync();
        await Row(room, c).GetByLabel("Identity checked").CheckAsync();
        await pageA.Locator("#q1-flag").ClickAsync();
        await Expect(Row(room, a)).ToContainTextAsync(new Regex(@"0 of \d+ answered, 1 flagged"));
        await Expect(Row(room, b).GetByLabel("Identity checked")).ToBeCheckedAsync();
        await Expect(Row(room, c).GetByLabel("Identity checked")).ToBeCheckedAsync();
        // Both ticked are admitted in one action, and the room is started: their pages open the test by themselves.
        await room.GetByRole(AriaRole.Button, new() { Name = "Admit everyone ticked" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("2 admitted");
        await Expect(room.Locator("#action-error")).ToBeHiddenAsync();
        await Expect(StateOf(room, b)).ToHaveTextAsync("Admitted, reading instructions");
        await Expect(StateOf(room, c)).ToHaveTextAsync("Admitted, reading instructions");
        await Expect(pageC.GetByRole(AriaRole.Button, new() { Name = "Start the test" })).ToBeVisibleAsync();
        await room.GetByRole(AriaRole.Button, new() { Name = "Start the room" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("2 tests started, 1 already under way");
        foreach (var (page, candidate) in new[] { (pageB, b), (pageC, c) })
        {
            await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{AttemptOf(sitting, candidate)}/test");
            await Expect(page.Locator("#q1")).ToBeVisibleAsync();
            await Expect(StateOf(room, candidate)).ToHaveTextAsync("In progress");
        }

        // Pause A: the page says so and its clock stops; resumed, it runs again.
        await SelectOnlyAsync(room, sitting, a);
        await room.GetByLabel("Reason (optional)").FillAsync("Candidate A feels faint");
        await room.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Paused (1)");
        await Expect(pageA.Locator("#paused-note")).ToBeVisibleAsync();
        await Expect(pageA.Locator("#timer")).ToHaveTextAsync(PausedShown());
        await Expect(StateOf(room, a)).ToHaveTextAsync("Paused");
        await Expect(pageB.Locator("#paused-note")).ToBeHiddenAsync();
        // While paused the question's controls are disabled (no working time off the clock), and the note says why.
        await Expect(pageA.Locator("#q1 input, #q1 textarea, #q1 select").First).ToBeDisabledAsync();
        await Expect(pageA.Locator("#paused-note")).ToContainTextAsync("cannot change your answers");
        await Expect(pageB.Locator("#q1 input, #q1 textarea, #q1 select").First).ToBeEnabledAsync();
        await CheckAsync(checker, "the dashboard with a candidate paused");
        var paused = await pageA.Locator("#timer").InnerTextAsync();
        await Task.Delay(2_500);
        Assert.Equal(paused, await pageA.Locator("#timer").InnerTextAsync());
        await pageA.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded }); // a page opened during the pause says so too
        await Expect(pageA.Locator("#q1")).ToBeVisibleAsync();
        await Expect(pageA.Locator("#paused-note")).ToBeVisibleAsync();
        await Expect(pageA.Locator("#timer")).ToHaveTextAsync(paused);
        var sinceResume = Stopwatch.StartNew();
        await room.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Resumed (1)");
        await Expect(pageA.Locator("#paused-note")).ToBeHiddenAsync();
        await Expect(pageA.Locator("#q1 input, #q1 textarea, #q1 select").First).ToBeEnabledAsync();
        await Expect(pageA.Locator("#timer")).ToHaveTextAsync(ClockShown());
        await Expect(StateOf(room, a)).ToHaveTextAsync("In progress");
        // The clock runs on from where it stopped: it has lost no more than the time since the resume (plus a second of
        // rounding), however long a busy machine took to show it.
        var resumed = Seconds(await pageA.Locator("#timer").InnerTextAsync());
        var left = Seconds(PausedShown().Match(paused).Groups[1].Value);
        Assert.InRange(resumed, left - (int)Math.Ceiling(sinceResume.Elapsed.TotalSeconds) - 1, left);
        await Expect(pageA.Locator("#timer")).Not.ToHaveTextAsync(await pageA.Locator("#timer").InnerTextAsync());

        // Extend B by ten minutes: its clock jumps by ten minutes.
        await SelectOnlyAsync(room, sitting, b);
        var before = Seconds(await pageB.Locator("#timer").InnerTextAsync());
        var sinceBefore = Stopwatch.StartNew();
        await room.GetByLabel("Minutes").FillAsync("10");
        await room.GetByLabel("Reason", new() { Exact = true }).FillAsync("Fire alarm in the corridor");
        await room.GetByRole(AriaRole.Button, new() { Name = "Extend" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Time extended by 10 min (1)");
        await Expect(Row(room, b).Locator(".time-left")).ToContainTextAsync("+10 min");
        await Expect(pageB.Locator("#timer")).ToHaveTextAsync(new Regex(@"^1:0\d:\d{2}$"));
        var after = Seconds(await pageB.Locator("#timer").InnerTextAsync());
        // Ten minutes more, less the time that ran meanwhile; a busy browser may show its clock a few seconds late.
        Assert.InRange(after + sinceBefore.Elapsed.TotalSeconds - before, 600 - 10, 600 + 10);

        // A message to the whole room reaches every page.
        await ClearSelectionAsync(room, sitting);
        await Expect(room.Locator("#selection")).ToHaveTextAsync("the whole room");
        const string message = "Ten minutes have been added for those disturbed by the alarm.";
        await room.GetByLabel("Message to show on the candidates' screens").FillAsync(message);
        await room.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Message sent");
        foreach (var page in new[] { pageA, pageB, pageC })
        {
            await Expect(page.Locator("#messages")).ToBeVisibleAsync();
            await Expect(page.Locator("#messages")).ToContainTextAsync($"Invigilator: {message}");
        }

        // An incident for the record.
        await room.GetByLabel("Incident", new() { Exact = true }).SelectOptionAsync("FIRE");
        await room.GetByLabel("Note", new() { Exact = true }).FillAsync("Alarm sounded for two minutes; no evacuation");
        await room.GetByRole(AriaRole.Button, new() { Name = "Log", Exact = true }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Incident FIRE logged");
        await Expect(room.Locator("#log")).ToContainTextAsync("logged incident FIRE (Fire alarm or evacuation): Alarm sounded for two minutes; no evacuation");

        // Void C: the page gives the reason and takes no more answers.
        await SelectOnlyAsync(room, sitting, c);
        const string voided = "Notes found under the keyboard";
        await room.GetByLabel("Reason (the candidate sees it)").FillAsync(voided);
        await room.GetByRole(AriaRole.Button, new() { Name = "Void" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Attempt voided");
        await Expect(pageC.Locator("#test-alert")).ToContainTextAsync($"The invigilator has voided this attempt: {voided}");
        foreach (var control in await pageC.Locator("section.question input, section.question select, section.question textarea").AllAsync())
        {
            await Expect(control).ToBeDisabledAsync();
        }

        await Expect(pageC.Locator("#timer")).ToHaveTextAsync("—");
        await Expect(StateOf(room, c)).ToHaveTextAsync($"Voided ({voided})");
        await Expect(pageA.Locator("#test-alert")).ToBeEmptyAsync();
        await CheckAsync(checker, "the dashboard with candidates in progress and voided");

        // End the sitting: A and B are handed in and see their receipts; C stays voided.
        await ClearSelectionAsync(room, sitting);
        await room.GetByRole(AriaRole.Button, new() { Name = "End the sitting" }).ClickAsync();
        await room.GetByRole(AriaRole.Button, new() { Name = "Yes, end it now" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync("Sitting ended; attempts submitted (2)");
        await Browser.ArriveAsync(pageA, $"{_baseUrl}/candidate/attempts/{AttemptOf(sitting, a)}/receipt");
        await Browser.ArriveAsync(pageB, $"{_baseUrl}/candidate/attempts/{AttemptOf(sitting, b)}/receipt");
        await Expect(pageA.Locator("#receipt-hash")).ToBeVisibleAsync();
        await Expect(pageB.Locator("#receipt-hash")).ToBeVisibleAsync();
        await Expect(room.Locator("#sitting-state")).ToHaveTextAsync("This sitting has ended.");
        await Expect(StateOf(room, a)).ToHaveTextAsync("Submitted (sitting-ended)");
        await Expect(StateOf(room, b)).ToHaveTextAsync("Submitted (sitting-ended)");
        await Expect(StateOf(room, c)).ToHaveTextAsync($"Voided ({voided})");
        await CheckAsync(checker, "the dashboard after the sitting ended");

        // The sitting's record holds every event.
        await room.GetByRole(AriaRole.Link, new() { Name = "The sitting's full record" }).ClickAsync();
        await Browser.ArriveAsync(room, $"{sittingUrl}/log");
        await Expect(room.Locator("tbody tr").Last).ToBeVisibleAsync();
        var lines = await room.Locator("tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))");
        void Logged(string candidate, string what, string by = "")
        {
            Assert.True(lines.Any(l => l[1] == candidate && l[2].StartsWith(what, StringComparison.Ordinal) && (by.Length == 0 || l[3] == by)),
                $"the record lacks \"{what}\" for \"{candidate}\"{(by.Length == 0 ? "" : $" by {by}")}:\n{string.Join("\n", lines.Select(l => string.Join(" | ", l)))}");
        }

        var invigilator = sitting.Invigilator.SignInName;
        foreach (var candidate in sitting.Candidates)
        {
            Logged(candidate.CandidateNumber, "Checked in");
            Logged(candidate.CandidateNumber, "Admitted after an identity check", invigilator);
            Logged(candidate.CandidateNumber, "Started (60 minutes");
        }

        Logged(a.CandidateNumber, "Paused: Candidate A feels faint", invigilator);
        Logged(a.CandidateNumber, "Resumed after", invigilator);
        Logged(b.CandidateNumber, "Time extended by 10 minutes: Fire alarm in the corridor", invigilator);
        Logged("whole room", $"Message: {message}", invigilator);
        Logged("whole room", "Incident FIRE (Fire alarm or evacuation): Alarm sounded for two minutes; no evacuation", invigilator);
        Logged(c.CandidateNumber, $"Attempt voided: {voided}", invigilator);
        Logged("", "Sitting ended", invigilator);
        Logged(a.CandidateNumber, "Submitted (sitting-ended)", invigilator);
        Logged(b.CandidateNumber, "Submitted (sitting-ended)", invigilator);
        Assert.DoesNotContain(lines, l => l[1] == c.CandidateNumber && l[2].StartsWith("Submitted", StringComparison.Ordinal));
        await Browser.OpenAsync(checker, $"{sittingUrl}/log");
        await CheckAsync(checker, "the sitting's record");

        Assert.True(_scriptErrors.Count == 0, string.Join("\n", _scriptErrors));
    }

    [Fact]
    public async Task A_room_of_300_changing_at_once_shows_every_change_and_keeps_the_reason_being_typed()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 300, "ROOM");
        var people = sitting.Candidates;
        var typist = people[0];
        await using var context = await ContextAsync();
        var room = await StaffSignedInAsync(context, sitting.Invigilator, $"{_baseUrl}/invigilate/sittings/{sitting.Sitting.Id}");
        await Expect(room.Locator("#live-status")).ToHaveTextAsync("Live: connected.");
        await Expect(room.Locator("#counts")).ToHaveTextAsync("300 not arrived");

        // The first to arrive is being refused: the invigilator ticks the box and types the reason while 249 more check in,
        // each arrival moving rows and redrawing the grid around the field being typed in.
        await AttemptBuilder.CheckedInAsync(_engine.Services, sitting.Sitting, typist);
        await Expect(StateOf(room, typist)).ToHaveTextAsync("Waiting for admission");
        await Row(room, typist).GetByLabel("Identity checked").CheckAsync();
        var reason = room.GetByLabel($"Reason for refusing {typist.CandidateNumber}");
        await reason.FillAsync("Photo ID");
        var arriving = InParallelAsync(people.Skip(1).Take(249), candidate => AttemptBuilder.CheckedInAsync(_engine.Services, sitting.Sitting, candidate));
        await room.Keyboard.TypeAsync(" does not match the candidate", new() { Delay = 100 });
        await arriving;
        await Expect(room.Locator("#counts")).ToHaveTextAsync("250 waiting for admission · 50 not arrived");
        foreach (var candidate in new[] { people[1], people[124], people[249] })
        {
            await Expect(StateOf(room, candidate)).ToHaveTextAsync("Waiting for admission");
        }

        foreach (var candidate in new[] { people[250], people[299] })
        {
            await Expect(StateOf(room, candidate)).ToHaveTextAsync("Not arrived");
        }

        await Expect(reason).ToHaveValueAsync("Photo ID does not match the candidate");
        await Expect(reason).ToBeFocusedAsync();
        await Expect(Row(room, typist).GetByLabel("Identity checked")).ToBeCheckedAsync();

        // Fifty are admitted and start (each start moves its row), and open the test page as the candidate would.
        var starting = people.Skip(200).Take(50).ToList();
        var started = new ConcurrentDictionary<Guid, Attempt>();
        await InParallelAsync(starting, async candidate =>
        {
            var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidate);
            using var scope = _engine.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<Answering>().OpenAsync(attempt, "grid-test", $"candidate:{candidate.CandidateNumber}", "FE6V 35", CancellationToken.None);
            started[candidate.Id] = attempt;
        });
        await Expect(room.Locator("#counts")).ToHaveTextAsync("200 waiting for admission · 50 in progress · 50 not arrived");
        await Expect(StateOf(room, people[200])).ToHaveTextAsync("In progress");
        await Expect(StateOf(room, people[249])).ToHaveTextAsync("In progress");

        // Each of the fifty flags a question: those rows stay where they are, so each is redrawn alone and no other row is
        // rebuilt (a row marked now keeps its mark).
        var untouched = new[] { typist, people[100], people[199], people[260] };
        foreach (var candidate in untouched)
        {
            await Row(room, candidate).EvaluateAsync("tr => { tr.dataset.drawn = 'before the flags'; }");
        }

        await InParallelAsync(starting, async candidate =>
        {
            using var scope = _engine.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<Answering>().SaveAsync(started[candidate.Id].Id, candidate.Id, new SaveRequest("grid-test", [new PageChange(1, 1, null, true)]), CancellationToken.None);
        });
        foreach (var candidate in starting)
        {
            await Expect(Row(room, candidate)).ToContainTextAsync("answered, 1 flagged");
        }

        foreach (var candidate in untouched)
        {
            await Expect(Row(room, candidate)).ToHaveAttributeAsync("data-drawn", "before the flags");
        }

        await Expect(room.Locator("#counts")).ToHaveTextAsync("200 waiting for admission · 50 in progress · 50 not arrived");
        await Expect(reason).ToHaveValueAsync("Photo ID does not match the candidate");
        await Expect(reason).ToBeFocusedAsync();
        Assert.True(_scriptErrors.Count == 0, string.Join("\n", _scriptErrors));
    }

    [Fact]
    public async Task An_invigilator_gives_a_new_sign_in_code_with_the_keyboard_and_the_candidate_signs_in_with_it()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 2, "IBC");
        var candidate = sitting.Candidates[1];
        string printed;
        using (var scope = _engine.Services.CreateScope())
        {
            printed = (await scope.ServiceProvider.GetRequiredService<CentreRegistry>()
                .IssueCandidateCodesAsync(sitting.Centre.Id, [candidate.Id], new("officer@example.org", "192.0.2.1"))).Single().Code;
        }

        await using var dashboards = await DashboardsAsync(sitting);
        var (room, checker) = (dashboards.Room, dashboards.Checker);

        // The second invigilator's screen, checked at each step: asking to confirm, then the code shown; closed, it is gone.
        var give = (IPage page) => Row(page, candidate).GetByRole(AriaRole.Button, new() { Name = $"New sign-in code for {candidate.CandidateNumber}" });
        await give(checker).ClickAsync();
        await Expect(checker.Locator("#code-dialog")).ToBeVisibleAsync();
        await Expect(checker.Locator("#code-confirm")).ToContainTextAsync("old sign-in code stops working");
        await CheckAsync(checker, "the dashboard asking to confirm a new sign-in code");
        await checker.GetByRole(AriaRole.Button, new() { Name = "Give a new code" }).ClickAsync();
        await Expect(checker.Locator("#code-value .shown")).ToHaveTextAsync(CodeShown());
        var first = await checker.Locator("#code-value .shown").InnerTextAsync();
        await CheckAsync(checker, "the dashboard showing a new sign-in code");
        await checker.GetByRole(AriaRole.Button, new() { Name = "Done: hide the code" }).ClickAsync();
        await Expect(checker.Locator("#code-dialog")).ToBeHiddenAsync();
        Assert.DoesNotContain(first, await checker.ContentAsync(), StringComparison.Ordinal);

        // The invigilator, with the keyboard alone: the row's action, confirm, the code read out, closed.
        await give(room).FocusAsync();
        await room.Keyboard.PressAsync("Enter");
        await Expect(room.Locator("#code-dialog")).ToBeVisibleAsync();
        await Expect(room.Locator("#code-who")).ToHaveTextAsync($"{candidate.Name} ({candidate.CandidateNumber})");
        await Expect(room.GetByRole(AriaRole.Button, new() { Name = "Give a new code" })).ToBeFocusedAsync();
        await room.Keyboard.PressAsync("Enter");
        await Expect(room.Locator("#code-value")).ToBeFocusedAsync();
        await Expect(room.Locator("#code-value .shown")).ToHaveTextAsync(CodeShown());
        var code = await room.Locator("#code-value .shown").InnerTextAsync();
        Assert.NotEqual(first, code);
        await Expect(room.Locator("#code-value .visually-hidden")).ToHaveTextAsync(string.Join(", ", code.Split('-').Select(g => string.Join(" ", g.ToCharArray()))));
        await Expect(checker.Locator("#log")).ToContainTextAsync($"{sitting.Invigilator.SignInName} gave a new sign-in code for {candidate.CandidateNumber}");
        Assert.DoesNotContain(code, await checker.ContentAsync(), StringComparison.Ordinal);
        await room.Keyboard.PressAsync("Tab");
        await Expect(room.GetByRole(AriaRole.Button, new() { Name = "Done: hide the code" })).ToBeFocusedAsync();
        await room.Keyboard.PressAsync("Enter");
        await Expect(room.Locator("#code-dialog")).ToBeHiddenAsync();
        await Expect(give(room)).ToBeFocusedAsync();
        Assert.DoesNotContain(code, await room.ContentAsync(), StringComparison.Ordinal);

        Assert.True(_scriptErrors.Count == 0, string.Join("\n", _scriptErrors));

        // At another computer the candidate signs in with it; the printed code and the one given before no longer work
        // (a context of its own, unwatched: a refused sign-in is a 400 the console reports).
        await using var candidateContext = await browser.NewContextAsync();
        var desk = await candidateContext.NewPageAsync();
        foreach (var stale in new[] { printed, first })
        {
            await SignInWithCodeAsync(desk, sitting, candidate, stale);
            await Expect(desk.Locator(".error-summary")).ToContainTextAsync("do not match");
        }

        await SignInWithCodeAsync(desk, sitting, candidate, code);
        await Browser.ArriveAsync(desk, _baseUrl + "/candidate");
    }

    private async Task SignInWithCodeAsync(IPage page, SittingNow sitting, Candidate candidate, string code)
    {
        await Browser.OpenAsync(page, _baseUrl + "/signin");
        await page.GetByLabel("Centre number").FillAsync(sitting.Centre.Number);
        await page.GetByLabel("Candidate number").FillAsync(candidate.CandidateNumber);
        await page.GetByLabel("Password or sign-in code").FillAsync(code);
        await page.GetByLabel("Password or sign-in code").PressAsync("Enter");
    }

    /// <summary>Eight at a time: as a room's candidates arrive, not one by one.</summary>
    private static Task InParallelAsync(IEnumerable<Candidate> candidates, Func<Candidate, Task> act) =>
        Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (candidate, _) => await act(candidate));

    // ------------------------------------------------------------------ the people

    private async Task<IBrowserContext> ContextAsync(bool bypassCsp = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = bypassCsp, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await context.AddInitScriptAsync(ReportViolations);
        context.Page += (_, page) => Watch(page);
        return context;
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            // The browser asks for a favicon the site does not have.
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (_scriptErrors)
                {
                    _scriptErrors.Add($"{page.Url}: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_scriptErrors)
            {
                _scriptErrors.Add($"{page.Url}: {error}");
            }
        };
    }

    /// <summary>The invigilator's dashboard, and a second invigilator's copy of it for axe (its injected script needs the CSP bypassed).</summary>
    private sealed record Dashboards(IBrowserContext RoomContext, IPage Room, IBrowserContext CheckerContext, IPage Checker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await RoomContext.DisposeAsync();
            await CheckerContext.DisposeAsync();
        }
    }

    private async Task<Dashboards> DashboardsAsync(SittingNow sitting)
    {
        var sittingUrl = $"{_baseUrl}/invigilate/sittings/{sitting.Sitting.Id}";
        var roomContext = await ContextAsync();
        var checkerContext = await ContextAsync(bypassCsp: true);
        var dashboards = new Dashboards(roomContext, await roomContext.NewPageAsync(), checkerContext, await checkerContext.NewPageAsync());
        try
        {
            foreach (var (page, staff) in new[] { (dashboards.Room, sitting.Invigilator), (dashboards.Checker, sitting.SecondInvigilator) })
            {
                await Browser.SignInStaffAsync(page, _baseUrl, staff.SignInName, Centres.Password);
                await Browser.OpenAsync(page, sittingUrl);
                await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live: connected.");
            }

            return dashboards;
        }
        catch
        {
            await dashboards.DisposeAsync();
            throw;
        }
    }

    private async Task<IPage> StaffSignedInAsync(IBrowserContext context, UserAccount staff, string then)
    {
        var page = await context.NewPageAsync();
        await Browser.SignInStaffAsync(page, _baseUrl, staff.SignInName, Centres.Password);
        await Browser.OpenAsync(page, then);
        return page;
    }

    private async Task<IPage> CheckedInAsync(IBrowserContext context, SittingNow sitting, Candidate candidate, string accessCode)
    {
        var page = await context.NewPageAsync();
        await Browser.OpenAsync(page, _baseUrl + "/signin");
        await page.GetByLabel("Centre number").FillAsync(sitting.Centre.Number);
        await page.GetByLabel("Candidate number").FillAsync(candidate.CandidateNumber);
        await page.GetByLabel("Password or sign-in code").FillAsync(Centres.Password);
        await page.GetByLabel("Password or sign-in code").PressAsync("Enter");
        await Browser.ArriveAsync(page, _baseUrl + "/candidate");
        await page.GetByRole(AriaRole.Link, new() { Name = "Check in" }).ClickAsync();
        await page.GetByLabel("Access code").FillAsync(accessCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Waiting to be admitted");
        Assert.Equal($"{_baseUrl}/candidate/attempts/{AttemptOf(sitting, candidate)}", page.Url);
        return page;
    }

    private static Guid AttemptOf(SittingNow sitting, Candidate candidate) => CheckIn.IdFor(sitting.Sitting.Id, candidate.Id);

    // ------------------------------------------------------------------ the dashboard

    private static ILocator Row(IPage room, Candidate candidate) => room.Locator($"#rows tr[data-candidate='{candidate.Id}']");

    private static ILocator StateOf(IPage room, Candidate candidate) => Row(room, candidate).Locator("td.state");

    private static async Task AdmitAsync(IPage room, Candidate candidate, bool ticked = false)
    {
        var row = Row(room, candidate);
        if (!ticked)
        {
            await row.GetByLabel("Identity checked").CheckAsync();
        }

        await row.GetByRole(AriaRole.Button, new() { Name = $"Admit {candidate.CandidateNumber}" }).ClickAsync();
        await Expect(room.Locator("#action-result")).ToHaveTextAsync($"{candidate.CandidateNumber} admitted");
        await Expect(StateOf(room, candidate)).ToHaveTextAsync("Admitted, reading instructions");
    }

    private async Task StartAsync(IPage room, SittingNow sitting, IPage page, Candidate candidate)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the test" }).ClickAsync(); // the waiting room moves on by itself
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{AttemptOf(sitting, candidate)}/test");
        await Expect(page.Locator("#q1")).ToBeVisibleAsync();
        await Expect(page.Locator("#timer")).ToHaveTextAsync(ClockShown());
        await Expect(StateOf(room, candidate)).ToHaveTextAsync("In progress");
        await Expect(Row(room, candidate).Locator(".connection")).ToHaveTextAsync("Connected");
    }

    private static async Task SelectOnlyAsync(IPage room, SittingNow sitting, Candidate chosen)
    {
        foreach (var candidate in sitting.Candidates)
        {
            await room.GetByLabel($"Select {candidate.Name} {candidate.CandidateNumber}").SetCheckedAsync(candidate.Id == chosen.Id);
        }

        await Expect(room.Locator("#selection")).ToHaveTextAsync("1 selected candidate");
    }

    private static async Task ClearSelectionAsync(IPage room, SittingNow sitting)
    {
        foreach (var candidate in sitting.Candidates)
        {
            await room.GetByLabel($"Select {candidate.Name} {candidate.CandidateNumber}").SetCheckedAsync(false);
        }
    }

    // ------------------------------------------------------------------ checking

    private static Task CheckAsync(IPage page, string what) => AccessibilityCheck.CheckAsync(page, what);

    /// <summary>A clock as the test page shows it, m:ss or h:mm:ss, in seconds.</summary>
    private static int Seconds(string shown) => shown.Trim().Split(':').Aggregate(0, (total, part) => (total * 60) + int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(\d+:)?\d{1,2}:\d{2}$")]
    private static partial Regex ClockShown();

    [GeneratedRegex(@"^Paused \(((?:\d+:)?\d{1,2}:\d{2}) left\)$")]
    private static partial Regex PausedShown();

    [GeneratedRegex("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")]
    private static partial Regex CodeShown();
}
