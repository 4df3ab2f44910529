using System.Security.Claims;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Features.Units.Countersigning;
using AssessmentEngine.Web.Features.Units.Deciding;
using AssessmentEngine.Web.Features.Units.Releasing;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Evidence;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Units;

/// <summary>
/// A unit decided not yet competent and decided again, through the engine's use cases against a real database and clock:
/// the plan with a new test occasion, the sample, a refused write that leaves the stream as it was, the countersignature,
/// a release on a date the centre set (run by its job when the date comes), the email waiting in the outbox, and what the
/// candidate then reads.
/// </summary>
public sealed class UnitOutcomesTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        await _engine.StartedAsync();
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        _centre = await Centres.CentreAsync(_store, Random.Shared.Next(200000, 299999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private T Use<T>() where T : notnull => _engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<ClaimsPrincipal> StaffAsync(string name, params Role[] roles) =>
        EngineClaims.For(await Centres.StaffAsync(_store, _centre, $"{name}{_centre.Number}@example.org", roles), "test", _clock.GetUtcNow());

    [Fact]
    public async Task Not_yet_competent_with_a_new_test_occasion_then_competent_released_on_the_centres_date_reaches_the_candidate()
    {
        var (candidate, enrolment) = await EvidenceCandidates.EnrolAsync(_engine, _centre, "UOT0001", DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), _centre.Zone).DateTime));
        var assessor = await StaffAsync("assessor", Role.Assessor);
        var verifier = await StaffAsync("verifier", Role.Verifier);
        var officer = await StaffAsync("officer", Role.Admin);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), _centre.Zone).DateTime);

        // Nothing in yet: the unit cannot be decided either way.
        var plan = new PlanAction("Take the online test again and add an observation at the help desk", today.AddDays(14));
        var refused = await Assert.ThrowsAsync<RefusedException>(() =>
            Use<DecideUnit>().HandleAsync(assessor, enrolment.Id, new UnitDecisionForm(Decisions.NotYetCompetent, "Not enough shown.", [plan], false)));
        Assert.StartsWith("Nothing has been marked or judged yet", refused.Message, StringComparison.Ordinal);

        // An observation comes in; not yet competent with a plan and a new test occasion.
        await Use<RecordAssessorEvidence>().RecordAsync(assessor, enrolment.Id,
            new RecordForm(RecordKind.Observation, today, "At the help desk", "Greeted the customer; did not check the complaint policy.", ["4.1"], null), null, "192.0.2.9",
            CancellationToken.None);
        var first = await Use<DecideUnit>().HandleAsync(assessor, enrolment.Id, new UnitDecisionForm(Decisions.NotYetCompetent, "Only 4.1 is shown so far.", [plan], true));
        Assert.Equal(1, first.Number);
        await using (var query = _store.QuerySession())
        {
            Assert.Equal(2, (await query.LoadAsync<Enrolment>(enrolment.Id))!.Occasions);
            var outcome = (await query.LoadAsync<UnitOutcome>(enrolment.Id))!;
            Assert.Equal(plan, Assert.Single(outcome.Current!.Plan!.Actions));
            Assert.Equal("not yet competent", outcome.Current.Sampled!.Reason);
            Assert.Contains("1 assessor record(s)", outcome.Current.InformedBy, StringComparison.Ordinal);
        }

        // A bad countersignature writes nothing; the assessor holding no verifier role is refused the page's use case.
        var version = await VersionAsync(enrolment.Id);
        await Assert.ThrowsAsync<RefusedException>(() => Use<CountersignUnit>().HandleAsync(verifier, enrolment.Id, true, new string('x', 4001)));
        await Assert.ThrowsAsync<RefusedException>(() => Use<CountersignUnit>().HandleAsync(assessor, enrolment.Id, true, "Fine"));
        Assert.Equal(version, await VersionAsync(enrolment.Id));
        await Use<CountersignUnit>().HandleAsync(verifier, enrolment.Id, true, "Agreed: most statements are not yet shown.");

        // The exam officer sets tomorrow as the release date; the job releases nothing today and the result tomorrow.
        Assert.Equal(1, await Use<ReleaseResults>().ScheduleAsync(officer, _centre.Id, [enrolment.Id], today.AddDays(1)));
        Assert.Equal(0, await Use<ReleaseDueResultsJob>().RunAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromDays(1.1));
        Assert.Equal(1, await Use<ReleaseDueResultsJob>().RunAsync(CancellationToken.None));
        Assert.Equal(0, await Use<ReleaseDueResultsJob>().RunAsync(CancellationToken.None));
        await using (var query = _store.QuerySession())
        {
            var told = (await query.LoadAsync<Notification>($"unit-result/{enrolment.Id}/1"))!;
            Assert.Equal(candidate.Id, told.CandidateId);
            Assert.Equal($"Your result for unit {EvidenceCandidates.Unit} is ready", told.Subject);
        }

        var units = await Use<CandidateResults>().UnitsAsync(candidate, CancellationToken.None);
        Assert.Equal("Not yet competent: see what to do next", Assert.Single(units).Status);

        // The plan carried out: a second decision, competent, is refused while the test and the report are missing.
        var notReady = await Assert.ThrowsAsync<RefusedException>(() =>
            Use<DecideUnit>().HandleAsync(assessor, enrolment.Id, new UnitDecisionForm(Decisions.Competent, "All shown.", [], false)));
        Assert.Contains("no online test has been taken", notReady.Message, StringComparison.Ordinal);
        Assert.Contains("no submitted evidence has been judged yet", notReady.Message, StringComparison.Ordinal);
        Assert.Contains("15 statement(s) have nothing showing them", notReady.Message, StringComparison.Ordinal);
    }

    private async Task<long> VersionAsync(Guid streamId)
    {
        await using var query = _store.QuerySession();
        return (await query.Events.FetchStreamStateAsync(streamId))!.Version;
    }
}
