using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.Invigilation.Pausing;
using AssessmentEngine.Web.Features.Invigilation.Voiding;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>The candidate's API over HTTP against the real database: saves, replays, the clock, and what a candidate may see.</summary>
public sealed partial class AnsweringApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>A candidate signed in over HTTP, checked in through the page, admitted, started, with the test page open.</summary>
    private sealed class Sitter(PageClient client, Guid attemptId, string token, string page) : IDisposable
    {
        public PageClient Client { get; } = client;

        public Guid AttemptId { get; } = attemptId;

        /// <summary>The candidate's antiforgery token, from their test page: it serves any form of theirs.</summary>
        public string Token { get; } = token;

        public string Page { get; set; } = page;

        public JsonObject Opened { get; set; } = null!;

        public async Task<HttpResponseMessage> PostAsync(string what, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/attempts/{AttemptId}/{what}") { Content = JsonContent.Create(body) };
            request.Headers.Add("RequestVerificationToken", Token);
            return await Client.Http.SendAsync(request);
        }

        public async Task<JsonObject> PostOkAsync(string what, object body)
        {
            using var response = await PostAsync(what, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"POST {what} answered {(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }

        public async Task<JsonObject> OpenAsync(string? page = null)
        {
            Page = page ?? Page;
            Opened = await PostOkAsync("open", new { page = Page });
            return Opened;
        }

        public void Dispose() => Client.Dispose();
    }

    private async Task<Sitter> SitterAsync(SittingNow sitting, Candidate candidate)
    {
        var client = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        using (var signedIn = await client.SignInAsCandidateAsync(sitting.Centre.Number, candidate.CandidateNumber, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var checkedIn = await client.PostFormAsync($"/candidate/sittings/{sitting.Sitting.Id}", $"/candidate/sittings/{sitting.Sitting.Id}",
                   [new("accessCode", sitting.Sitting.AccessCode!.ToLowerInvariant())]))
        {
            Assert.Equal(HttpStatusCode.Redirect, checkedIn.StatusCode);
        }

        var attemptId = CheckIn.IdFor(sitting.Sitting.Id, candidate.Id);
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AdmitCandidate>().AdmitAsync(sitting.Sitting.Id, candidate.Id, true, sitting.Invigilator.Id, "invigilator");
        }

        using (var started = await client.PostFormAsync($"/candidate/attempts/{attemptId}", $"/candidate/attempts/{attemptId}?handler=Start", []))
        {
            Assert.Equal($"/candidate/attempts/{attemptId}/test", started.Headers.Location?.OriginalString);
        }

        var testPage = await client.GetPageAsync($"/candidate/attempts/{attemptId}/test");
        var token = WebUtility.HtmlDecode(TokenAttribute().Match(testPage).Groups[1].Value);
        var sitter = new Sitter(client, attemptId, token, Guid.NewGuid().ToString("N"));
        await sitter.OpenAsync();
        return sitter;
    }

    /// <summary>For each question, a first answer and then the final one, as the page would send them (sequence numbers 1, 2, …).</summary>
    private static List<(long Sequence, int Item, JsonObject Response)> Changes(JsonObject opened)
    {
        var changes = new List<(long, int, JsonObject)>();
        long sequence = 0;
        foreach (var item in opened["items"]!.AsArray().Select(i => i!.AsObject()))
        {
            var number = item["number"]!.GetValue<int>();
            var options = item["options"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
            var prompts = item["prompts"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
            var answers = item["answers"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
            for (var version = 0; version < 2; version++)
            {
                JsonObject response = item["type"]!.GetValue<string>() switch
                {
                    "single" or "truefalse" => new JsonObject { ["choice"] = options[version % options.Count] },
                    "multiple" => new JsonObject { ["choices"] = new JsonArray(options.Skip(version).Take(2).Select(o => (JsonNode)o).ToArray()) },
                    "match" => new JsonObject { ["matches"] = new JsonObject(prompts.Select((p, i) => KeyValuePair.Create(p, (JsonNode?)answers[(i + version) % answers.Count]))) },
                    _ => new JsonObject { ["text"] = $"Answer {version + 1} to question {number}: citizens' needs come first." },
                };
                changes.Add((++sequence, number, response));
            }
        }

        return changes;
    }

    private static object Body(string page, IEnumerable<(long Sequence, int Item, JsonObject Response)> changes) => new
    {
        page,
        changes = changes.Select(c => new { sequence = c.Sequence, item = c.Item, response = JsonNode.Parse(c.Response.ToJsonString()) }).ToList(),
    };

    /// <summary>The final response per question as the page would restore it, in a form that compares by value.</summary>
    private static Dictionary<int, string> Restored(JsonObject opened) => opened["answers"]!.AsObject()
        .ToDictionary(a => int.Parse(a.Key, System.Globalization.CultureInfo.InvariantCulture), a => Canonical(a.Value!["response"]!.AsObject()));

    private static string Canonical(JsonObject response)
    {
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in response)
        {
            if (value is null)
            {
                continue;
            }

            parts[key] = value switch
            {
                JsonArray array => string.Join(",", array.Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal)),
                JsonObject map => string.Join(",", map.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}")),
                _ => value.ToJsonString(),
            };
        }

        return string.Join(";", parts.Select(p => $"{p.Key}:{p.Value}"));
    }

    private Task<long> AnswerEventsOf(Guid attemptId, string type = "answer_saved") => StoredEvents.CountAsync(database.ConnectionString, attemptId, type);

    [Fact]
    public async Task Answers_replayed_with_duplicated_and_reordered_sequence_numbers_end_as_the_same_responses()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 2, "RPL");
        using var inOrder = await SitterAsync(sitting, sitting.Candidates[0]);
        using var scrambled = await SitterAsync(sitting, sitting.Candidates[1]);

        // In order, one batch per question.
        var orderedChanges = Changes(inOrder.Opened);
        foreach (var batch in orderedChanges.Chunk(2))
        {
            var result = await inOrder.PostOkAsync("answers", Body(inOrder.Page, batch));
            Assert.Equal(batch.Select(c => c.Sequence), result["acknowledged"]!.AsArray().Select(s => s!.GetValue<long>()));
        }

        // Every change sent twice, in a shuffled order, in batches of odd sizes: a retry storm after a flaky network.
        var changes = Changes(scrambled.Opened);
        var random = new Random(7);
        var storm = changes.Concat(changes).OrderBy(_ => random.Next()).ToList();
        for (var i = 0; i < storm.Count;)
        {
            var size = random.Next(1, 6);
            var result = await scrambled.PostOkAsync("answers", Body(scrambled.Page, storm.Skip(i).Take(size)));
            Assert.Equal(Math.Min(size, storm.Count - i), result["acknowledged"]!.AsArray().Count);
            i += size;
        }

        foreach (var (sitter, sent) in new[] { (inOrder, orderedChanges), (scrambled, changes) })
        {
            var expected = sent.GroupBy(c => c.Item).ToDictionary(g => g.Key, g => Canonical(g.MaxBy(c => c.Sequence).Response));
            Assert.Equal(expected, Restored(await sitter.OpenAsync(Guid.NewGuid().ToString("N"))));
            Assert.Equal(sent.Count, await AnswerEventsOf(sitter.AttemptId)); // each sequence written exactly once
        }
    }

    private async Task<Attempt> AttemptAsync(Guid id)
    {
        await using var query = _store.QuerySession();
        return (await query.LoadAsync<Attempt>(id))!;
    }

    private static T Desk<T>(IServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>
    /// Changes on one question of the attempt, numbered from <paramref name="from"/>: its first single-choice or true/false
    /// question, else (a sampled form may have none) its first multiple-choice question, else its first short answer.
    /// </summary>
    private static List<(long Sequence, int Item, JsonObject Response)> ChoiceChanges(JsonObject opened, long from, int count)
    {
        var items = opened["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var item = items.FirstOrDefault(i => i["type"]!.GetValue<string>() is "single" or "truefalse")
            ?? items.FirstOrDefault(i => i["type"]!.GetValue<string>() == "multiple")
            ?? items.First(i => i["type"]!.GetValue<string>() == "short");
        var type = item["type"]!.GetValue<string>();
        var options = type == "short" ? [] : item["options"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
        JsonObject Change(int n) => type switch
        {
            "multiple" => new JsonObject { ["choices"] = new JsonArray(options[n % options.Count]) },
            "short" => new JsonObject { ["text"] = $"answer {n}" },
            _ => new JsonObject { ["choice"] = options[n % options.Count] },
        };
        return Enumerable.Range(0, count).Select(n => (from + n, item["number"]!.GetValue<int>(), Change(n))).ToList();
    }

    private async Task<int> StoredLengthAsync(Guid attemptId)
    {
        await using var query = _store.QuerySession();
        return (await query.Json.FindByIdAsync<Attempt>(attemptId))!.Length;
    }

    [Fact]
    public async Task A_request_of_many_long_answers_is_refused_whole_and_stores_nothing()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "BIG");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        // Any question will do: the size is refused before the changes are read (a sampled form need not hold a written answer).
        var text = sitter.Opened["items"]!.AsArray()[0]!["number"]!.GetValue<int>();
        var essay = new string('x', Paper.MaxTextLength);
        var flood = Enumerable.Range(1, 500).Select(n => ((long)n, text, new JsonObject { ["text"] = essay }));

        using var refused = await sitter.PostAsync("answers", Body(sitter.Page, flood));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(0, await AnswerEventsOf(sitter.AttemptId));
    }

    [Fact]
    public async Task Changes_beyond_the_limit_a_minute_are_refused_until_the_next_minute_and_then_land()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "RATE");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        var changes = ChoiceChanges(sitter.Opened, 1, AnswerLimits.ChangesPerMinute + 50);

        await sitter.PostOkAsync("answers", Body(sitter.Page, changes.Take(AnswerLimits.ChangesPerMinute)));
        using (var refused = await sitter.PostAsync("answers", Body(sitter.Page, changes.Skip(AnswerLimits.ChangesPerMinute))))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("a minute", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(AnswerLimits.ChangesPerMinute, await AnswerEventsOf(sitter.AttemptId));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await sitter.PostOkAsync("answers", Body(sitter.Page, changes.Skip(AnswerLimits.ChangesPerMinute)));
        Assert.Equal(changes.Count, await AnswerEventsOf(sitter.AttemptId));
    }

    [Fact]
    public async Task The_attempts_record_of_sequence_numbers_does_not_grow_with_every_change()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "SEQ");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        await sitter.PostOkAsync("answers", Body(sitter.Page, ChoiceChanges(sitter.Opened, 1, 100)));
        var after100 = await StoredLengthAsync(sitter.AttemptId);
        for (var from = 101L; from <= 1_000; from += 100)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            await sitter.PostOkAsync("answers", Body(sitter.Page, ChoiceChanges(sitter.Opened, from, 100)));
        }

        // The same question answered 900 more times: what the attempt holds should not grow by more than a few numbers.
        Assert.InRange(await StoredLengthAsync(sitter.AttemptId) - after100, -200, 200);
    }

    [Fact]
    public async Task A_voided_attempt_stays_voided_whatever_the_candidate_or_invigilator_sends()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "VOD");
        var candidate = sitting.Candidates[0];
        using var sitter = await SitterAsync(sitting, candidate);
        var first = Changes(sitter.Opened)[0];
        await sitter.PostOkAsync("answers", Body(sitter.Page, [first]));
        var invigilator = new Invigilator(sitting.Invigilator.Id, sitting.Invigilator.SignInName);
        using (var scope = _engine.Services.CreateScope())
        {
            await Desk<VoidAttempt>(scope).HandleAsync(sitting.Sitting.Id, candidate.Id, "notes found on the desk", invigilator);
        }

        // The candidate asks to start again (with an antiforgery token of theirs from another page); the invigilator admits them again.
        using (var form = new FormUrlEncodedContent([new("__RequestVerificationToken", sitter.Token)]))
        using (var restarted = await sitter.Client.Http.PostAsync(new Uri($"/candidate/attempts/{sitter.AttemptId}?handler=Start", UriKind.Relative), form))
        {
            Assert.NotEqual($"/candidate/attempts/{sitter.AttemptId}/test", restarted.Headers.Location?.OriginalString);
            Assert.Equal(HttpStatusCode.Conflict, restarted.StatusCode); // the refusal, shown on the page it came from
            Assert.Contains("The invigilator voided this attempt: notes found on the desk", await restarted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var scope = _engine.Services.CreateScope())
        {
            await Assert.ThrowsAsync<RefusedException>(() => scope.ServiceProvider.GetRequiredService<AdmitCandidate>()
                .AdmitAsync(sitting.Sitting.Id, candidate.Id, true, sitting.Invigilator.Id, "invigilator"));
        }

        var attempt = await AttemptAsync(sitter.AttemptId);
        Assert.Equal(AttemptStatus.Voided, attempt.Status);
        Assert.Equal(1, await StoredEvents.CountAsync(database.ConnectionString, sitter.AttemptId, "attempt_started")); // started once, never again
    }

    [Fact]
    public async Task While_paused_the_engine_stores_no_answer_and_a_change_made_before_the_pause_lands_after_it()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "PAU");
        var candidate = sitting.Candidates[0];
        using var sitter = await SitterAsync(sitting, candidate);
        var changes = Changes(sitter.Opened);
        var invigilator = new Invigilator(sitting.Invigilator.Id, sitting.Invigilator.SignInName);
        using (var scope = _engine.Services.CreateScope())
        {
            await Desk<PauseCandidates>(scope).HandleAsync(sitting.Sitting.Id, [candidate.Id], "fire alarm", invigilator);
        }

        using (var refused = await sitter.PostAsync("answers", Body(sitter.Page, changes.Take(2))))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("paused", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Empty((await AttemptAsync(sitter.AttemptId)).Answers);
        Assert.Equal(0, await AnswerEventsOf(sitter.AttemptId));

        using (var scope = _engine.Services.CreateScope())
        {
            await Desk<ResumeCandidates>(scope).HandleAsync(sitting.Sitting.Id, [candidate.Id], invigilator);
        }

        var result = await sitter.PostOkAsync("answers", Body(sitter.Page, changes.Take(2)));
        Assert.Equal([1L, 2L], result["acknowledged"]!.AsArray().Select(s => s!.GetValue<long>()));
        Assert.Single((await AttemptAsync(sitter.AttemptId)).Answers);
    }

    [Fact]
    public async Task At_time_up_the_attempt_is_submitted_and_a_later_save_is_refused_and_shown()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "TUP");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        var changes = Changes(sitter.Opened);
        await sitter.PostOkAsync("answers", Body(sitter.Page, changes.Take(1)));

        _clock.Advance(TimeSpan.FromMinutes(60));
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<SubmitAtTimeUpJob>().RunAsync(sitter.AttemptId, CancellationToken.None);
        }

        var late = await sitter.PostOkAsync("answers", Body(sitter.Page, changes.Skip(1).Take(1)));
        Assert.Empty(late["acknowledged"]!.AsArray());
        Assert.Equal("Time was up, so this answer was not saved.", late["refused"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("Submitted", late["clock"]!["status"]!.GetValue<string>());
        Assert.Equal(1, await AnswerEventsOf(sitter.AttemptId));
        Assert.Equal(1, await AnswerEventsOf(sitter.AttemptId, "answer_refused"));

        await using var query = _store.QuerySession();
        var attempt = (await query.LoadAsync<Attempt>(sitter.AttemptId))!;
        Assert.Equal(SubmissionReasons.TimeUp, attempt.SubmissionReason);
        var receipt = await sitter.Client.GetPageAsync($"/candidate/attempts/{sitter.AttemptId}/receipt");
        Assert.Contains(attempt.ResponsesHash!, receipt, StringComparison.Ordinal);
        Assert.Contains("Time was up", receipt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_page_is_told_it_was_replaced_and_bad_input_gets_a_clear_error()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 1, "TAB");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        var oldPage = sitter.Page;
        await sitter.OpenAsync(Guid.NewGuid().ToString("N")); // a reload, or a second tab

        using var superseded = await sitter.PostAsync("answers", Body(oldPage, Changes(sitter.Opened).Take(1)));
        Assert.Equal(HttpStatusCode.Conflict, superseded.StatusCode);
        var problem = JsonNode.Parse(await superseded.Content.ReadAsStringAsync())!;
        Assert.True(problem["superseded"]!.GetValue<bool>());
        Assert.Contains("opened in another tab", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var (body, message) in new (object Body, string Message)[]
                 {
                     (new { page = sitter.Page, changes = new[] { new { sequence = 1, item = 99, response = new { text = "x" } } } }, "There is no question 99 on your test."),
                     (new { page = sitter.Page, changes = new[] { new { sequence = 1, item = 1, response = new { choice = "not-an-id", text = (string?)null } } } }, "question 1"),
                     (new { page = sitter.Page, changes = Array.Empty<object>() }, "Send from 1 to 500 changes at a time."),
                     (new { page = sitter.Page, changes = new[] { new { sequence = 0, item = 1, response = new { text = "x" } } } }, "Sequence numbers start at 1."),
                 })
        {
            using var bad = await sitter.PostAsync("answers", body);
            var text = await bad.Content.ReadAsStringAsync();
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"{(int)bad.StatusCode}: {text}");
            Assert.Contains(message, JsonNode.Parse(text)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var garbage = await sitter.PostAsync("answers", "not json at all"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/attempts/{sitter.AttemptId}/answers") { Content = JsonContent.Create(Body(sitter.Page, [])) };
        using var forged = await sitter.Client.Http.SendAsync(request); // no antiforgery header: another site's page posting
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await AnswerEventsOf(sitter.AttemptId));
    }

    [Fact]
    public async Task A_candidate_cannot_reach_another_candidates_attempt()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 2, "OWN");
        using var mine = await SitterAsync(sitting, sitting.Candidates[0]);
        using var theirs = await SitterAsync(sitting, sitting.Candidates[1]);
        var stranger = new Sitter(mine.Client, theirs.AttemptId, TokenAttribute().Match(await mine.Client.GetPageAsync($"/candidate/attempts/{mine.AttemptId}/test")).Groups[1].Value, "x");

        foreach (var what in new[] { "open", "answers", "submit" })
        {
            using var response = await stranger.PostAsync(what, Body("x", Changes(theirs.Opened).Take(1)));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        foreach (var path in new[] { $"/api/attempts/{theirs.AttemptId}/clock", $"/candidate/attempts/{theirs.AttemptId}", $"/candidate/attempts/{theirs.AttemptId}/test", $"/candidate/attempts/{theirs.AttemptId}/receipt" })
        {
            using var response = await mine.Client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Nothing_a_candidate_can_reach_carries_the_key_marking_guidance_feedback_or_another_form()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, _clock, 2, "KEY");
        using var sitter = await SitterAsync(sitting, sitting.Candidates[0]);
        using var other = await SitterAsync(sitting, sitting.Candidates[1]);
        var opened = await sitter.OpenAsync();
        var seen = new List<(string Where, string Text)>
        {
            ("/candidate", Page(await sitter.Client.GetPageAsync("/candidate"))),
            ("test page", Page(await sitter.Client.GetPageAsync($"/candidate/attempts/{sitter.AttemptId}/test"))),
            ("open", Readable(opened)),
            ("clock", Readable(JsonNode.Parse(await sitter.Client.Http.GetStringAsync(new Uri($"/api/attempts/{sitter.AttemptId}/clock", UriKind.Relative))))),
            ("answers", Readable(await sitter.PostOkAsync("answers", Body(sitter.Page, Changes(sitter.Opened))))),
            ("submit", Readable(await sitter.PostOkAsync("submit", new { page = sitter.Page }))),
            ("receipt", Page(await sitter.Client.GetPageAsync($"/candidate/attempts/{sitter.AttemptId}/receipt"))),
            ("open after submission", Readable(JsonNode.Parse(await (await sitter.PostAsync("open", new { page = "again" })).Content.ReadAsStringAsync()))),
        };

        await using var query = _store.QuerySession();
        var mine = (await query.LoadAsync<Attempt>(sitter.AttemptId))!;
        var theirs = (await query.LoadAsync<Attempt>(other.AttemptId))!;
        var myItems = await PinnedItems.LoadAsync(query, mine.Form!, CancellationToken.None);
        var onlyTheirs = (await PinnedItems.LoadAsync(query, theirs.Form!, CancellationToken.None)).Values.Where(i => !myItems.ContainsKey(i.Id)).ToList();
        Assert.NotEmpty(onlyTheirs);

        var secrets = new List<(string What, string Text)>();
        foreach (var item in myItems.Values)
        {
            secrets.AddRange(Fragments(item.MarkingGuidanceHtml).Select(f => ($"marking guidance of {item.Id}", f)));
            secrets.AddRange(Fragments(item.FeedbackHtml).Select(f => ($"feedback of {item.Id}", f)));
            secrets.Add(($"item id {item.Id}", item.Id));
        }

        // Another form's questions, by the sentences that are theirs alone (banks reuse a phrase here and there).
        var myText = WebUtility.HtmlDecode(string.Join("\n", myItems.Values.Select(i => i.StemHtml + string.Concat(i.Options.Select(o => o.Html)) + string.Concat(i.Pairs.Select(p => p.PromptHtml)))));
        secrets.AddRange(onlyTheirs.SelectMany(i => Fragments(i.StemHtml)).Where(f => !myText.Contains(f, StringComparison.OrdinalIgnoreCase))
            .Select(f => ("another candidate's question", f)));
        secrets.AddRange(new[] { "correct:", "acceptedAnswers:", "markingGuidanceHtml:", "feedbackHtml:", "seed:", "optionSalt:", mine.OptionSalt! }
            .Select(key => ($"the field {key}", key)));
        Assert.True(secrets.Count > 30, $"only {secrets.Count} secrets to look for");

        var leaks = seen.SelectMany(s => secrets.Where(secret => s.Text.Contains(secret.Text, StringComparison.OrdinalIgnoreCase)).Select(secret => $"{s.Where}: {secret.What} ({secret.Text})")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));

        // A short question's accepted answers are nowhere in what is sent for that question (another question may offer
        // the same words as a choice, which gives nothing away).
        foreach (var (question, index) in opened["items"]!.AsArray().Select((q, i) => (q, i)))
        {
            var item = myItems[mine.Form!.Items[index].ItemId];
            var sent = Readable(question);
            Assert.All(item.AcceptedAnswers, accepted => Assert.DoesNotContain($": {accepted}\n", sent, StringComparison.OrdinalIgnoreCase));
        }

        // The check can fail: the questions themselves are there, and every choice id is opaque.
        Assert.All(myItems.Values.SelectMany(i => Fragments(i.StemHtml)), fragment => Assert.Contains(fragment, seen[2].Text, StringComparison.Ordinal));
        var ids = opened["items"]!.AsArray().SelectMany(i => new[] { "options", "prompts", "answers" }.SelectMany(k => i![k]!.AsArray().Select(c => c!["id"]!.GetValue<string>()))).ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Matches("^o[0-9a-f]{12}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>A page's text as a person reads it (entities decoded).</summary>
    private static string Page(string html) => WebUtility.HtmlDecode(html);

    /// <summary>Every property of a JSON answer as "name: value" lines with the strings unescaped, so that nothing hides behind JSON escapes.</summary>
    private static string Readable(JsonNode? node)
    {
        var lines = new System.Text.StringBuilder();
        void Walk(string name, JsonNode? value)
        {
            switch (value)
            {
                case JsonObject map:
                    lines.Append(name).Append(":\n");
                    foreach (var (key, child) in map)
                    {
                        Walk(key, child);
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Walk(name, child);
                    }

                    break;
                case JsonValue leaf:
                    lines.Append(name).Append(": ").Append(leaf.TryGetValue<string>(out var text) ? WebUtility.HtmlDecode(text) : leaf.ToJsonString()).Append('\n');
                    break;
            }
        }

        Walk("", node);
        return lines.ToString();
    }

    /// <summary>Runs of text from some HTML long enough to be distinctive (shorter ones would match ordinary words).</summary>
    private static IEnumerable<string> Fragments(string? html) => html is null
        ? []
        : Tags().Replace(WebUtility.HtmlDecode(html), "\n").Split('\n', StringSplitOptions.TrimEntries).Where(t => t.Length >= 25).Select(t => t[..Math.Min(t.Length, 60)]);

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("data-token=\"([^\"]+)\"")]
    private static partial Regex TokenAttribute();
}
