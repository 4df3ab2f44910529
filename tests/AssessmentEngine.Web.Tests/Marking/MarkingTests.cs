using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Marking.Deciding;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Marking.Queueing;
using AssessmentEngine.Web.Features.Marking.Verifying;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Marking;

/// <summary>Marking, decisions, the verification sample and verification, through the engine's services and pages on the real database.</summary>
public sealed class MarkingTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Use<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static (Staff Staff, ClaimsPrincipal User) As(UserAccount account) =>
        (new Staff(account.Id, account.SignInName), EngineClaims.For(account, "test", DateTimeOffset.UtcNow));

    /// <summary>A sitting whose candidates have all sat and submitted (with no answers: every objective item scores 0).</summary>
    private async Task<(SittingNow Sitting, IReadOnlyList<Attempt> Attempts)> SubmittedAsync(int candidates, string prefix)
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates, prefix);
        var attempts = new List<Attempt>();
        foreach (var candidate in sitting.Candidates)
        {
            var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidate);
            using var scope = _engine.Services.CreateScope();
            attempts.Add(await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(attempt, "candidate"));
        }

        return (sitting, attempts);
    }

    private async Task<IReadOnlyList<Item>> ExtendedItemsAsync(Attempt attempt)
    {
        await using var query = _store.QuerySession();
        var items = await PinnedItems.LoadAsync(query, attempt.Form!, CancellationToken.None);
        return attempt.Form!.Items.Select(f => items[f.ItemId]).Where(i => i.Type == ItemType.Extended).ToList();
    }

    private async Task<Attempt> LoadAsync(Guid id)
    {
        await using var query = _store.QuerySession();
        return (await query.LoadAsync<Attempt>(id))!;
    }

    private Task<long> EventsOf(Guid stream, string type) => StoredEvents.CountAsync(database.ConnectionString, stream, type);

    [Fact]
    public async Task An_assessor_marks_the_written_answers_a_second_marker_is_kept_beside_and_the_decision_waits_for_every_mark()
    {
        var (sitting, attempts) = await SubmittedAsync(1, "MRK");
        var attempt = attempts[0];
        var assessor = As(await Centres.StaffAsync(_store, sitting.Centre, $"assessor{sitting.Centre.Number}@example.org", Role.Assessor));
        var second = As(await Centres.StaffAsync(_store, sitting.Centre, $"second{sitting.Centre.Number}@example.org", Role.Assessor));
        var extended = await ExtendedItemsAsync(attempt);
        Assert.Equal(2, extended.Count);
        Assert.Equal(2, (await Use<ResponsesToMark>().HandleAsync(sitting.Centre.Id)).Count(w => w.Attempt.Id == attempt.Id));

        var early = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordDecision>().HandleAsync(attempt.Id, Decisions.Competent, "good", assessor.Staff, assessor.User));
        Assert.Equal("2 response(s) still need a mark before the decision.", early.Message);
        var tooMany = await Assert.ThrowsAsync<RefusedException>(() => Use<MarkResponse>().HandleAsync(attempt.Id, extended[0].Id, extended[0].Marks + 1, null, assessor.Staff, assessor.User));
        Assert.StartsWith("Give a mark from 0 to", tooMany.Message, StringComparison.Ordinal);

        await Use<MarkResponse>().HandleAsync(attempt.Id, extended[0].Id, extended[0].Marks, "clear, with a council example", assessor.Staff, assessor.User);
        await Use<MarkResponse>().HandleAsync(attempt.Id, extended[1].Id, 1, "thin", assessor.Staff, assessor.User);
        await Use<MarkResponse>().HandleAsync(attempt.Id, extended[1].Id, 1.5m, "second look", second.Staff, second.User);
        var marked = await LoadAsync(attempt.Id);
        Assert.Equal(1m, marked.AssessorMarks[extended[1].Id].Marks);       // the first marker's mark counts
        Assert.Equal(1.5m, marked.SecondMarks[extended[1].Id].Marks);       // and the second is kept beside it
        Assert.Empty(await Use<ResponsesToMark>().HandleAsync(sitting.Centre.Id));

        await Use<RecordDecision>().HandleAsync(attempt.Id, Decisions.NotYetCompetent, "outcome 2 not shown", assessor.Staff, assessor.User);
        var decided = await LoadAsync(attempt.Id);
        Assert.Equal(Decisions.NotYetCompetent, decided.Decision!.Decision);
        Assert.Equal("not yet competent", decided.Sampled!.Reason);            // every not-yet-competent decision is sampled
        var result = (await Use<MarkedAttempts>().LoadAsync(attempt.Id, Role.Assessor, assessor.User)).Result;
        Assert.Equal(extended[0].Marks + 1, result.Total);
        Assert.Equal(0, result.AwaitingMarks);

        var changed = await Assert.ThrowsAsync<RefusedException>(() => Use<MarkResponse>().HandleAsync(attempt.Id, extended[0].Id, 0, null, assessor.Staff, assessor.User));
        Assert.Contains("can no longer change", changed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_verifies_an_attempt_they_marked_or_decided_and_nothing_is_written_when_refused()
    {
        var (sitting, attempts) = await SubmittedAsync(1, "IVR");
        var attempt = attempts[0];
        // One person who is both assessor and verifier at the centre, as small centres have.
        var both = As(await Centres.StaffAsync(_store, sitting.Centre, $"both{sitting.Centre.Number}@example.org", Role.Assessor, Role.Verifier));
        var verifier = As(await Centres.StaffAsync(_store, sitting.Centre, $"iv{sitting.Centre.Number}@example.org", Role.Verifier));
        foreach (var item in await ExtendedItemsAsync(attempt))
        {
            await Use<MarkResponse>().HandleAsync(attempt.Id, item.Id, item.Marks, null, both.Staff, both.User);
        }

        await Use<RecordDecision>().HandleAsync(attempt.Id, Decisions.Competent, "meets every statement", both.Staff, both.User);

        var own = await Assert.ThrowsAsync<RefusedException>(() => Use<VerifyDecision>().HandleAsync(attempt.Id, true, "fine", both.Staff, both.User));
        Assert.Equal("You marked or decided this attempt: staff must never internally verify their own assessments.", own.Message);
        Assert.Equal(0, await EventsOf(attempt.Id, "verification_recorded"));

        // The page says so too, and offers that person no verification form.
        using (var client = new PageClient(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })))
        {
            using (await client.SignInAsStaffAsync(both.Staff.Actor, Centres.Password))
            {
            }

            var page = System.Net.WebUtility.HtmlDecode(await client.GetPageAsync($"/verify/attempts/{attempt.Id}"));
            Assert.Contains("You marked or decided this attempt, so you cannot verify it.", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Record the verification", page, StringComparison.Ordinal);
        }

        var noComment = await Assert.ThrowsAsync<RefusedException>(() => Use<VerifyDecision>().HandleAsync(attempt.Id, true, " ", verifier.Staff, verifier.User));
        Assert.Equal("Give a comment with the verification.", noComment.Message);
        await Use<VerifyDecision>().HandleAsync(attempt.Id, false, "outcome 2 answer is thin for full marks", verifier.Staff, verifier.User);
        var verified = await LoadAsync(attempt.Id);
        Assert.False(verified.Verification!.Agrees);
        Assert.Equal(verifier.Staff.Actor, verified.Verification.Verifier);

    }

    [Fact]
    public async Task The_sampling_rule_takes_at_least_one_of_each_assessors_competent_decisions_and_a_verifier_can_add_any()
    {
        var (sitting, attempts) = await SubmittedAsync(4, "SMP");
        var assessor = As(await Centres.StaffAsync(_store, sitting.Centre, $"a{sitting.Centre.Number}@example.org", Role.Assessor));
        var verifier = As(await Centres.StaffAsync(_store, sitting.Centre, $"v{sitting.Centre.Number}@example.org", Role.Verifier));
        foreach (var attempt in attempts)
        {
            foreach (var item in await ExtendedItemsAsync(attempt))
            {
                await Use<MarkResponse>().HandleAsync(attempt.Id, item.Id, item.Marks, null, assessor.Staff, assessor.User);
            }

            await Use<RecordDecision>().HandleAsync(attempt.Id, Decisions.Competent, "sound", assessor.Staff, assessor.User);
        }

        var decided = await Task.WhenAll(attempts.Select(a => LoadAsync(a.Id)));
        var sampled = decided.Where(a => a.Sampled is not null).ToList();
        Assert.Contains(sampled, a => a.Sampled!.Reason.StartsWith("one in 10 of", StringComparison.Ordinal));
        Assert.Equal(attempts[0].Id, decided.OrderBy(a => a.Decision!.DecidedAt).First(a => a.Sampled is not null).Id); // the first is always taken

        var unsampled = decided.FirstOrDefault(a => a.Sampled is null);
        if (unsampled is not null)
        {
            await Use<SampleForVerification>().HandleAsync(unsampled.Id, verifier.Staff, verifier.User);
            Assert.Equal("chosen by the verifier", (await LoadAsync(unsampled.Id)).Sampled!.Reason);
        }

        // An assessor elsewhere cannot reach these attempts at all.
        var elsewhere = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "SMX");
        var stranger = As(await Centres.StaffAsync(_store, elsewhere.Centre, $"x{elsewhere.Centre.Number}@example.org", Role.Assessor));
        var notHere = await Assert.ThrowsAsync<RefusedException>(() => Use<MarkResponse>().HandleAsync(attempts[0].Id, "any", 0, null, stranger.Staff, stranger.User));
        Assert.Equal("There is no such attempt at your centre.", notHere.Message);
    }

    [Fact]
    public async Task After_not_yet_competent_a_reassessment_in_the_window_draws_items_the_candidate_has_not_seen()
    {
        var (sitting, attempts) = await SubmittedAsync(1, "RSA");
        var first = attempts[0];
        var assessor = As(await Centres.StaffAsync(_store, sitting.Centre, $"r{sitting.Centre.Number}@example.org", Role.Assessor));
        foreach (var item in await ExtendedItemsAsync(first))
        {
            await Use<MarkResponse>().HandleAsync(first.Id, item.Id, 0, null, assessor.Staff, assessor.User);
        }

        await Use<RecordDecision>().HandleAsync(first.Id, Decisions.NotYetCompetent, "no evidence for either outcome", assessor.Staff, assessor.User);
        var officer = new AssessmentEngine.Web.Features.Identity.Registering.Acting("officer@example.org", "192.0.2.1");
        var enrolment = await Use<ArrangeReassessment>().HandleAsync(sitting.Centre.Id, first.EnrolmentId, "not yet competent on occasion 1", officer);
        Assert.Equal(2, enrolment.Occasions);

        var again = await Use<ScheduleSitting>().HandleAsync(sitting.Centre.Id, "FE6V 35", "Room 3", DateTimeOffset.UtcNow, 60, [sitting.Invigilator.Id], officer);
        await Use<BookCandidates>().HandleAsync(sitting.Centre.Id, again.Id, [sitting.Candidates[0].Id], officer);
        await using var query = _store.QuerySession();
        var second = await AttemptBuilder.InProgressAsync(_engine.Services, (await query.LoadAsync<AssessmentEngine.Web.Features.Sittings.Sitting>(again.Id))!, sitting.Candidates[0]);

        Assert.Equal(2, second.Occasion);
        Assert.Empty(first.Form!.Items.Select(i => i.ItemId).Intersect(second.Form!.Items.Select(i => i.ItemId)));
        Assert.Empty(second.Form.Reused);
    }

    [Fact]
    public void The_rule_samples_every_not_yet_competent_and_every_decision_near_the_pass_mark()
    {
        var decision = new AssessmentDecisionRecorded(Guid.NewGuid(), Decisions.Competent, "ok", Guid.NewGuid(), "a", DateTimeOffset.UtcNow);
        AttemptResult Scoring(decimal percent) => new([], [], percent, 100, percent, percent >= 60, 0);

        Assert.Equal("not yet competent", SamplingRule.Reason(decision with { Decision = Decisions.NotYetCompetent }, Scoring(90), 60, (5, 1)));
        Assert.Equal("within 5 points of the pass mark", SamplingRule.Reason(decision, Scoring(64), 60, (5, 1)));
        Assert.Equal("within 5 points of the pass mark", SamplingRule.Reason(decision, Scoring(55), 60, (5, 1)));
        Assert.StartsWith("one in 10", SamplingRule.Reason(decision, Scoring(90), 60, (0, 0)), StringComparison.Ordinal);
        var drawn = Enumerable.Range(0, 2000).Count(_ => SamplingRule.Reason(decision with { AttemptId = Guid.NewGuid() }, Scoring(90), 60, (5, 1)) is not null);
        Assert.InRange(drawn, 120, 290); // about a tenth of 2,000
    }
}
