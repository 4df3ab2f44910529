using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>
/// The candidate's test as a person takes it, in the browser against a real server, clock and database: check-in, the
/// waiting room, every kind of question, a reload and a lost connection on the way, review and submission; a second tab
/// taking over; and the page checked with axe-core.
/// </summary>
public sealed partial class TakingATestBrowserTests(TestDatabase database, Browser browser) : IClassFixture<TestDatabase>, IClassFixture<Browser>, IAsyncLifetime
{
    private const string Unit = "FE6V 35";
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private string _baseUrl = null!;
    private Centre _centre = null!;
    private Guid _invigilator;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _baseUrl = _engine.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(500000, 599999).ToString(CultureInfo.InvariantCulture));
        _invigilator = (await Centres.StaffAsync(_store, _centre, $"inv{_centre.Number}@example.org", Role.Invigilator)).Id;
        // The real FE6V 35 bank with a blueprint that asks for every kind of question, so every form has each one.
        using var copy = BankFolder.CopyOfTheRealBank();
        var blueprint = Path.Combine(copy.Root, "fe6v35", "test.md");
        var text = await File.ReadAllTextAsync(blueprint);
        var sections = text.IndexOf("sections:", StringComparison.Ordinal);
        var end = text.IndexOf("\n---", sections, StringComparison.Ordinal);
        var everyKind = string.Concat(new[] { 1, 2 }.Select(outcome => string.Concat(
            new[] { ("single", 3), ("multiple", 1), ("truefalse", 1), ("match", 1), ("short", 1), ("extended", 1) }
                .Select(kind => $"\n  - outcome: {outcome}\n    items: {kind.Item2}\n    types: [{kind.Item1}]"))));
        await File.WriteAllTextAsync(blueprint, text[..sections] + "sections:" + everyKind + text[end..]);
        var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(copy.Root, "fe6v35")], copy.Root);
        Assert.False(bank.HasErrors, string.Join("\n", bank.Diagnostics));
        await ImportItemBank.RunAsync(_store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_candidate_answers_every_question_through_a_reload_and_a_lost_connection_and_the_server_holds_every_answer_once()
    {
        var (candidate, sitting) = await BookedAsync("TAT0001");
        var attemptId = CheckIn.IdFor(sitting.Id, candidate.Id);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await SignedInAsync(context, candidate);
        var scriptErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // Requests that fail while the network is cut are expected; so is the browser's own request for a favicon the site does not have.
            if (message.Type == "error" && !message.Text.Contains("net::ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal)
                && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)
                && !message.Location.Contains("/clock", StringComparison.Ordinal)) // cut off on purpose while waiting
            {
                scriptErrors.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => scriptErrors.Add(error);

        // Check in with the access code, wait to be admitted, read the instructions and start.
        await page.GetByRole(AriaRole.Link, new() { Name = "Check in" }).ClickAsync();
        await page.GetByLabel("Access code").FillAsync(sitting.AccessCode!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Waiting to be admitted");
        Assert.EndsWith($"/candidate/attempts/{attemptId}", page.Url, StringComparison.Ordinal);
        // The admission reaches the waiting page by push: asking the server for the clock gets no answer while it waits.
        await page.RouteAsync($"**/api/attempts/{attemptId}/clock", route => route.AbortAsync());
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AdmitCandidate>().AdmitAsync(sitting.Id, candidate.Id, identityChecked: true, _invigilator, "invigilator");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Start the test" }).ClickAsync(); // the waiting room moves on by itself
        await page.UnrouteAsync($"**/api/attempts/{attemptId}/clock");
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{attemptId}/test");
        await Expect(page.Locator("#q1")).ToBeVisibleAsync();
        Assert.Matches(ClockShown(), await page.Locator("[role=timer]").InnerTextAsync());
        var types = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('section.question'), s => s.dataset.type)");
        Assert.Equal(16, types.Length);
        // The blueprint of this class's bank asks for every kind of question: each is answered with its own control.
        Assert.Equal(["extended", "match", "multiple", "short", "single", "truefalse"], types.Distinct().Order());
        Assert.Equal(2, types.Count(t => t == "extended"));
        var given = new Dictionary<int, Given>();

        // The first half, online; question 2 flagged for review.
        for (var number = 1; number <= 8; number++)
        {
            given[number] = await AnswerAsync(page, number, types[number - 1], variant: number);
            if (number == 2)
            {
                await page.Locator("#q2").GetByRole(AriaRole.Button, new() { Name = "Flag for review" }).ClickAsync();
                await Expect(page.Locator("#q2-flag")).ToHaveAttributeAsync("aria-pressed", "true");
            }

            await NextAsync(page, number);
        }

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("All answers saved.");
        Assert.Contains("flagged", await page.Locator("#nav-2").InnerTextAsync(), StringComparison.Ordinal);

        // A written answer changed and the page reloaded at once, before the save was due: the outbox keeps it.
        var written = Enumerable.Range(1, 8).First(n => types[n - 1] is "short" or "extended");
        await page.Locator($"#nav-{written}").ClickAsync();
        given[written] = await AnswerAsync(page, written, types[written - 1], variant: 101);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Expect(page.Locator($"#q{written}")).ToBeVisibleAsync();
        foreach (var (number, expected) in given)
        {
            Assert.Equal(expected, await ShownAsync(page, number, types[number - 1]));
        }

        await Expect(page.Locator("#q2-flag")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("All answers saved.");

        // The connection is lost for 30 seconds while the candidate answers on, and changes an earlier answer.
        var offline = Stopwatch.StartNew();
        await context.SetOfflineAsync(true);
        var unsent = new List<int>();
        foreach (var number in new[] { 9, 10, 11, 12, 1 })
        {
            await page.Locator($"#nav-{number}").ClickAsync();
            given[number] = await AnswerAsync(page, number, types[number - 1], variant: number + 7);
            await page.Locator($"#q{number}-heading").FocusAsync(); // a written answer is saved when the candidate moves on
            await Expect(page.Locator($"#q{number}-save")).ToHaveTextAsync("Not saved yet — will retry");
            unsent.Add(number);
        }

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("not saved yet");
        var remaining = TimeSpan.FromSeconds(30) - offline.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        foreach (var number in unsent)
        {
            await Expect(page.Locator($"#q{number}-save")).ToHaveTextAsync("Not saved yet — will retry");
            Assert.Contains("not saved", await page.Locator($"#nav-{number}").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(unsent.Count, await OutboxItemsAsync(page, attemptId));
        await context.SetOfflineAsync(false);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("All answers saved.");
        await Expect(page.Locator("#q1-save")).ToHaveTextAsync("Saved");
        Assert.Equal(0, await OutboxItemsAsync(page, attemptId));

        // The rest, online again, then the review and submission with its confirmation.
        await page.Locator("#nav-13").ClickAsync();
        for (var number = 13; number <= types.Length; number++)
        {
            given[number] = await AnswerAsync(page, number, types[number - 1], variant: number);
            await NextAsync(page, number);
        }

        await Expect(page.Locator("#review-heading")).ToBeFocusedAsync();
        await Expect(page.Locator("#review-summary")).ToHaveTextAsync($"You have answered {types.Length} of {types.Length} questions.");
        await Expect(page.Locator("#review-unanswered")).ToHaveTextAsync("None: you have answered every question.");
        await Expect(page.Locator("#review-flagged").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Question 2"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers" }).ClickAsync();
        await Expect(page.Locator("#confirm-heading")).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers", Exact = true })).ToBeHiddenAsync();
        Assert.Equal($"{_baseUrl}/candidate/attempts/{attemptId}/test#review", page.Url); // nothing submitted before the confirmation
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, submit my answers" }).ClickAsync();
        await Browser.ArriveAsync(page, $"{_baseUrl}/candidate/attempts/{attemptId}/receipt");
        var receipt = await page.Locator("#receipt-hash").InnerTextAsync();
        Assert.Equal(0, await OutboxItemsAsync(page, attemptId));

        // The server holds exactly what was given, each change once.
        await using var session = _store.QuerySession();
        var attempt = (await session.LoadAsync<Attempt>(attemptId))!;
        Assert.Equal(AttemptStatus.Submitted, attempt.Status);
        Assert.Equal(SubmissionReasons.Candidate, attempt.SubmissionReason);
        Assert.Equal(attempt.ResponsesHash, receipt.Trim());
        var paper = new Paper(attempt, await PinnedItems.LoadAsync(session, attempt.Form!, CancellationToken.None));
        for (var number = 1; number <= types.Length; number++)
        {
            var itemId = paper.ItemIdAt(number);
            Assert.True(attempt.Answers.TryGetValue(itemId, out var answer), $"question {number} has no answer on the server");
            Assert.Equal(given[number], Given.From(paper.Show(itemId, answer.Response)));
        }

        Assert.Equal([paper.ItemIdAt(2)], attempt.Flags.Where(f => f.Value.Flagged).Select(f => f.Key));
        var sequences = await SequencesAsync(attemptId);
        Assert.NotEmpty(sequences);
        Assert.All(sequences, s => Assert.True(s.Count == 1, $"sequence {s.Sequence} was written {s.Count} times"));
        Assert.Equal(0, await EventsAsync(attemptId, "answer_refused"));
        Assert.True(scriptErrors.Count == 0, string.Join("\n", scriptErrors));
    }

    [Fact]
    public async Task A_test_opened_in_a_second_tab_takes_over_and_the_first_stops_saving_at_its_next_change()
    {
        var (candidate, sitting) = await BookedAsync("TAT0002");
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        await using var context = await browser.NewContextAsync();
        var first = await SignedInAsync(context, candidate);
        await Browser.OpenAsync(first, TestUrl(attempt.Id));
        await Expect(first.Locator("#q1")).ToBeVisibleAsync();
        var types = await first.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('section.question'), s => s.dataset.type)");
        var one = await AnswerAsync(first, 1, types[0], variant: 1);
        await first.Locator("#q1-heading").FocusAsync();
        await Expect(first.Locator("#q1-save")).ToHaveTextAsync("Saved");

        var second = await context.NewPageAsync();
        await Browser.OpenAsync(second, TestUrl(attempt.Id));
        await Expect(second.Locator("#q1")).ToBeVisibleAsync();
        Assert.Equal(one, await ShownAsync(second, 1, types[0]));

        // The first page's next change: it learns it was opened elsewhere, and stops.
        await first.Locator("#q1-flag").ClickAsync();
        await Expect(first.GetByRole(AriaRole.Alert)).ToContainTextAsync("This test has been opened in another tab or on another computer");
        await Expect(first.GetByRole(AriaRole.Status)).ToHaveTextAsync("This page no longer saves.");
        await Expect(first.Locator("#q1-flag")).ToBeDisabledAsync();
        foreach (var control in await first.Locator("section.question input, section.question select, section.question textarea").AllAsync())
        {
            await Expect(control).ToBeDisabledAsync();
        }

        // The newer page sends what the older one could not (the outbox is the browser's, not the page's).
        await second.Locator("#nav-3").ClickAsync();
        var three = await AnswerAsync(second, 3, types[2], variant: 3);
        await second.Locator("#q3-heading").FocusAsync();
        // The status line already said "All answers saved." before this change (it only says "Saving…" when saving is
        // slow), so wait for the change's own acknowledgement before reading the server.
        await Expect(second.Locator("#q3-save")).ToHaveTextAsync("Saved");
        await Expect(second.GetByRole(AriaRole.Status)).ToHaveTextAsync("All answers saved.");
        await Expect(second.Locator("#q1-flag")).ToHaveAttributeAsync("aria-pressed", "true");
        await using var session = _store.QuerySession();
        var stored = (await session.LoadAsync<Attempt>(attempt.Id))!;
        var paper = new Paper(stored, await PinnedItems.LoadAsync(session, stored.Form!, CancellationToken.None));
        Assert.Equal(one, Given.From(paper.Show(paper.ItemIdAt(1), stored.Answers[paper.ItemIdAt(1)].Response)));
        Assert.Equal(three, Given.From(paper.Show(paper.ItemIdAt(3), stored.Answers[paper.ItemIdAt(3)].Response)));
        Assert.True(stored.Flags[paper.ItemIdAt(1)].Flagged);
    }

    [Theory]
    [InlineData("TAT0003", false)]
    [InlineData("TAT0004", true)]
    public async Task The_test_page_and_its_review_have_no_accessibility_violations_and_work_by_keyboard(string number, bool largeTextHighContrast)
    {
        var (candidate, sitting) = await BookedAsync(number, largeTextHighContrast ? new Adjustments(ExtraTimePercent: 25, LargeText: true, HighContrast: true) : null);
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting, candidate);
        // axe is injected as a script; the engine's CSP rightly forbids that, so this context bypasses it.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BypassCSP = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await SignedInAsync(context, candidate);
        await Browser.OpenAsync(page, TestUrl(attempt.Id));
        await Expect(page.Locator("#q1")).ToBeVisibleAsync();
        if (largeTextHighContrast)
        {
            Assert.Equal("large-text high-contrast test-page", await page.Locator("body").GetAttributeAsync("class"));
            await Expect(page.Locator("#time-note")).ToContainTextAsync("25 % extra time");
        }

        // By keyboard: choose with the arrow keys, flag with the space bar, move on with Enter.
        var types = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('section.question'), s => s.dataset.type)");
        var radio = Array.FindIndex(types, t => t is "single" or "truefalse") + 1;
        await page.Locator($"#nav-{radio}").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator($"#q{radio}-heading")).ToBeFocusedAsync();
        await Expect(page.Locator($"#nav-{radio}")).ToHaveAttributeAsync("aria-current", "step");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator($"#q{radio} input[type=radio]").First).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Locator($"#q{radio} input[type=radio]").Nth(1)).ToBeCheckedAsync();
        await Expect(page.Locator($"#q{radio}-save")).ToHaveTextAsync("Saved");
        await page.Locator($"#q{radio}-flag").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator($"#q{radio}-flag")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator($"#q{radio + 1}-heading")).ToBeFocusedAsync();

        // Every kind of question, one written answer under way with its word count.
        foreach (var type in types.Distinct())
        {
            var at = Array.IndexOf(types, type) + 1;
            await page.Locator($"#nav-{at}").ClickAsync();
            if (type == "extended")
            {
                await page.Locator($"#q{at}-text").FillAsync("Some words to begin with.");
                await Expect(page.Locator($"#q{at}-count")).ToContainTextAsync("5 words");
            }

            await CheckAsync(page, $"question {at} ({type})");
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Review and submit" }).ClickAsync();
        await Expect(page.Locator("#review-flagged").GetByRole(AriaRole.Link)).ToHaveTextAsync([$"Question {radio}"]);
        await CheckAsync(page, "the review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers", Exact = true }).ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers", Exact = true })).ToBeHiddenAsync();
        await CheckAsync(page, "the confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "No, go back to my answers" }).ClickAsync();
        await Expect(page.Locator("#confirm")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit your answers", Exact = true })).ToBeFocusedAsync();
    }

    // ------------------------------------------------------------------ setting up

    private T Service<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<(Candidate Candidate, Sitting Sitting)> BookedAsync(string number, Adjustments? adjustments = null)
    {
        var candidate = await Centres.CandidateAsync(_store, _centre, number, adjustments);
        await Service<EnrolCandidates>().HandleAsync(_centre.Id, Unit, [candidate.Id], Officer);
        await using var query = _store.QuerySession();
        var enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id);
        // The window opens on the day the sitting starts (read once: a run crossing midnight must not put them on different days).
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(startsAt, _centre.Zone).DateTime);
        await Service<AgreeWindow>().HandleAsync(_centre.Id, enrolment.Id, day, "the candidate and their assessor", Officer);
        var sitting = await Service<ScheduleSitting>().HandleAsync(_centre.Id, Unit, "Room 1", startsAt, 60, [_invigilator], Officer);
        await Service<BookCandidates>().HandleAsync(_centre.Id, sitting.Id, [candidate.Id], Officer);
        return (candidate, sitting);
    }

    private async Task<IPage> SignedInAsync(IBrowserContext context, Candidate candidate)
    {
        var page = await context.NewPageAsync();
        await Browser.SignInCandidateAsync(page, _baseUrl, _centre.Number, candidate.CandidateNumber, Centres.Password);
        return page;
    }

    private string TestUrl(Guid attemptId) => $"{_baseUrl}/candidate/attempts/{attemptId}/test";

    // ------------------------------------------------------------------ answering, as the candidate does

    /// <summary>An answer in the page's own ids, whatever the question's kind; two are equal when they say the same.</summary>
    private sealed record Given(string? Choice, string Choices, string Matches, string Text)
    {
        public static Given From(PaperResponse response) => new(
            response.Choice,
            string.Join(",", (response.Choices ?? []).Order(StringComparer.Ordinal)),
            string.Join(",", (response.Matches ?? new Dictionary<string, string>()).Select(m => $"{m.Key}={m.Value}").Order(StringComparer.Ordinal)),
            response.Text ?? "");
    }

    private static async Task<Given> AnswerAsync(IPage page, int number, string type, int variant)
    {
        var question = page.Locator($"#q{number}");
        await Expect(question).ToBeVisibleAsync();
        switch (type)
        {
            case "single" or "truefalse":
            {
                var options = question.Locator("input[type=radio]");
                var option = options.Nth(variant % await options.CountAsync());
                await option.CheckAsync();
                return new Given(await option.GetAttributeAsync("value"), "", "", "");
            }
            case "multiple":
            {
                var options = question.Locator("input[type=checkbox]");
                var count = await options.CountAsync();
                var chosen = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    var wanted = i == variant % count || i == (variant + 1) % count;
                    await options.Nth(i).SetCheckedAsync(wanted);
                    if (wanted)
                    {
                        chosen.Add((await options.Nth(i).GetAttributeAsync("value"))!);
                    }
                }

                return Given.From(new PaperResponse(Choices: chosen));
            }
            case "match":
            {
                var selects = question.Locator("select");
                var matches = new Dictionary<string, string>();
                for (var i = 0; i < await selects.CountAsync(); i++)
                {
                    var select = selects.Nth(i);
                    var values = (await select.Locator("option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)")).Where(v => v.Length > 0).ToList();
                    var value = values[(i + variant) % values.Count];
                    await select.SelectOptionAsync(value);
                    matches[(await select.GetAttributeAsync("data-prompt"))!] = value;
                }

                return Given.From(new PaperResponse(Matches: matches));
            }
            case "short":
            {
                var text = variant % 2 == 0 ? "SLA" : $"A service level agreement ({variant})";
                await question.GetByLabel("Your answer").FillAsync(text);
                return new Given(null, "", "", text);
            }
            default:
            {
                var text = string.Join(" ", Enumerable.Range(1, 26).Select(i =>
                    $"Point {i} of answer {variant}: the council answers calls within the agreed time and then goes further for each resident."));
                await question.GetByLabel("Your answer").FillAsync(text);
                return new Given(null, "", "", text);
            }
        }
    }

    /// <summary>What the page shows as the answer to a question now.</summary>
    private static async Task<Given> ShownAsync(IPage page, int number, string type)
    {
        var json = await page.EvaluateAsync<string>(
            """
            number => {
              const section = document.getElementById('q' + number);
              const checked = Array.from(section.querySelectorAll('input:checked'), i => i.value);
              const matches = {};
              for (const select of section.querySelectorAll('select')) { if (select.value) { matches[select.dataset.prompt] = select.value; } }
              const text = section.querySelector('[data-answer-text]');
              return JSON.stringify({ checked, matches, text: text ? text.value : '' });
            }
            """, number);
        var shown = JsonSerializer.Deserialize<Shown>(json, Web)!;
        return type switch
        {
            "single" or "truefalse" => new Given(shown.Checked.SingleOrDefault(), "", "", ""),
            "multiple" => Given.From(new PaperResponse(Choices: shown.Checked)),
            "match" => Given.From(new PaperResponse(Matches: shown.Matches)),
            _ => new Given(null, "", "", shown.Text),
        };
    }

    private sealed record Shown(string[] Checked, Dictionary<string, string> Matches, string Text);

    private static async Task NextAsync(IPage page, int number)
    {
        var question = page.Locator($"#q{number}");
        var next = question.GetByRole(AriaRole.Link, new() { Name = "Next" });
        await (await next.CountAsync() > 0 ? next : question.GetByRole(AriaRole.Link, new() { Name = "Review your answers" })).ClickAsync();
    }

    private static async Task<int> OutboxItemsAsync(IPage page, Guid attemptId) =>
        await page.EvaluateAsync<int>($"() => new Set(JSON.parse(localStorage.getItem('ae.outbox.{attemptId}') || '[]').map(e => e.item)).size");

    // ------------------------------------------------------------------ checking

    private async Task<IReadOnlyList<(long Sequence, long Count)>> SequencesAsync(Guid attemptId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (data->>'sequence')::bigint, count(*) from ae.mt_events where stream_id = @id and type in ('answer_saved', 'item_flagged') group by 1 order by 1",
            connection);
        command.Parameters.AddWithValue("id", attemptId);
        var sequences = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sequences.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return sequences;
    }

    private Task<long> EventsAsync(Guid attemptId, string type) => StoredEvents.CountAsync(database.ConnectionString, attemptId, type);

    private static Task CheckAsync(IPage page, string what) => AccessibilityCheck.CheckAsync(page, what);

    [GeneratedRegex(@"^(\d+:)?\d{1,2}:\d{2}$")]
    private static partial Regex ClockShown();
}
