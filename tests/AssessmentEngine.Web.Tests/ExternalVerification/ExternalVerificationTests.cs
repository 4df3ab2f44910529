using System.Net;
using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.ExternalVerification;
using AssessmentEngine.Web.Features.ExternalVerification.Issuing;
using AssessmentEngine.Web.Features.ExternalVerification.Recording;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Marking.Deciding;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Platform;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Features.Units.Countersigning;
using AssessmentEngine.Web.Features.Units.Deciding;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.ExternalVerification;

/// <summary>
/// The awarding body's external verifier, on the real database: granted by the platform operator (never by a centre), sampling a
/// centre's decided test and judged evidence, recording outcomes and actions, issuing the report the centre's exam officer then
/// reads; refused at every other centre; bad input told plainly, with nothing written.
/// </summary>
public sealed class ExternalVerificationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly Acting Operator = new("operator@example.org", "192.0.2.1");
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

    private PageClient Client() => new(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    private static ClaimsPrincipal Claims(UserAccount account) => EngineClaims.For(account, "test", DateTimeOffset.UtcNow);

    private Task<long> EventsOf(Guid stream, string type) => StoredEvents.CountAsync(database.ConnectionString, stream, type);

    /// <summary>A centre whose assessor marked and decided one candidate's test and judged another's evidence (version 1).</summary>
    private sealed record CentreWithDecisions(Centre Centre, UserAccount Assessor, Guid Attempt, Guid Submission);

    private async Task<CentreWithDecisions> CentreWithDecisionsAsync(string prefix)
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates: 2, prefix);
        var assessor = await Centres.StaffAsync(_store, sitting.Centre, $"assessor{sitting.Centre.Number}@example.org", Role.Assessor);
        var (staff, claims) = (new Staff(assessor.Id, assessor.SignInName), Claims(assessor));
        var submitted = await Use<SubmitAttempt>().HandleAsync(await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, sitting.Candidates[0]), "candidate");
        var marked = await Use<MarkedAttempts>().LoadAsync(submitted.Id, Role.Assessor, claims);
        foreach (var item in marked.Items.Values.Where(i => i.Type == ItemType.Extended))
        {
            await Use<MarkResponse>().HandleAsync(submitted.Id, item.Id, 0, "not shown", staff, claims);
        }

        await Use<RecordDecision>().HandleAsync(submitted.Id, Decisions.NotYetCompetent, "Outcome 2 is not shown", staff, claims);
        return new(sitting.Centre, assessor, submitted.Id, await JudgedEvidenceAsync(sitting.Centre, sitting.Candidates[1], assessor.SignInName));
    }

    /// <summary>The candidate's evidence for the unit's first brief: version 1 submitted and judged by <paramref name="assessor"/>, as stored facts.</summary>
    private async Task<Guid> JudgedEvidenceAsync(Centre centre, Candidate candidate, string assessor)
    {
        await using var session = _store.LightweightSession();
        var enrolment = await session.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id && e.UnitCode == "FE6V 35");
        var brief = (await session.LoadAsync<BankUnit>("FE6V 35"))!.Briefs![0];
        var id = Submission.IdFor(enrolment.Id, brief.Id);
        var file = new EvidenceFile(Guid.NewGuid(), "report.pdf", EvidenceKind.Pdf, 9, "", null, ScanState.Clean);
        var now = DateTimeOffset.UtcNow;
        session.Events.StartStream<Submission>(id,
            new EvidenceFileAdded(id, enrolment.Id, candidate.Id, centre.Id, "FE6V 35", brief.Id, file, "candidate", now),
            new EvidenceSubmitted(id, centre.Id, 1, [file.Id], new BriefRevision(brief.Id, brief.ContentHash, brief.Title, brief.Html), SubmissionDecisions.Declaration,
                "candidate", "192.0.2.1", now),
            new EvidenceJudged(id, centre.Id, 1, [.. brief.Covers.Select(c => new CriterionJudgement(c, true, ""))], "Every criterion is met", assessor, "192.0.2.1", now));
        await session.SaveChangesAsync();
        return id;
    }

    /// <summary>Someone with a password (a tutor at a centre of their own) whom the operator makes the external verifier of <paramref name="centre"/>.</summary>
    private async Task<UserAccount> ExternalVerifierAsync(Centre centre, string name)
    {
        var home = await Centres.CentreAsync(_store, Random.Shared.Next(400000, 499999).ToString(System.Globalization.CultureInfo.InvariantCulture), "Their own college");
        var person = await Centres.StaffAsync(_store, home, $"{name}{centre.Number}@awarding.example.org", Role.Tutor);
        var (granted, code) = await Use<PlatformOperator>().SetExternalVerifierAsync(person.SignInName, null, centre.Id, grant: true, Operator);
        Assert.Null(code);
        return granted;
    }

    private async Task<ExternalReport?> DraftAsync(Guid centreId, Guid verifierId)
    {
        await using var query = _store.QuerySession();
        return (await ExternalReport.OfAsync(query, centreId, verifierId, CancellationToken.None)).FirstOrDefault(r => !r.Issued);
    }

    [Fact]
    public async Task The_platform_operator_grants_and_withdraws_the_role_and_a_centres_exam_officer_can_neither_give_nor_take_it()
    {
        var centre = await Centres.CentreAsync(_store, Random.Shared.Next(100000, 199999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (invited, code) = await Use<PlatformOperator>().SetExternalVerifierAsync($"new{centre.Number}@awarding.example.org", "Nia External", centre.Id, grant: true, Operator);
        Assert.NotNull(code); // someone new chooses their password with it, as a centre's new staff do
        Assert.Equal([Role.ExternalVerifier], invited.Memberships.Single(m => m.CentreId == centre.Id).Roles);
        Assert.Equal(1, await EventsOf(invited.Id, "external_verifier_granted"));

        var verifier = await ExternalVerifierAsync(centre, "ev");
        Assert.True(verifier.Holds(Role.ExternalVerifier, centre.Id));
        Assert.True(verifier.HoldsAnywhere(Role.Tutor)); // their own centre's role stays

        // The centre's exam officer: cannot add someone as external verifier, give the role, take it away, or reset the account.
        var registry = Use<CentreRegistry>();
        var adding = await Assert.ThrowsAsync<RefusedException>(() =>
            registry.AddStaffAsync(centre.Id, $"other{centre.Number}@example.org", "Other", [Role.ExternalVerifier], Operator));
        Assert.Equal(CentreRegistry.ExternalVerifierIsTheOperators, adding.Message);
        var tutor = await Centres.StaffAsync(_store, centre, $"tutor{centre.Number}@example.org", Role.Tutor);
        var giving = await Assert.ThrowsAsync<RefusedException>(() => registry.SetRolesAsync(centre.Id, tutor.Id, [Role.Tutor, Role.ExternalVerifier], Operator));
        Assert.Equal(CentreRegistry.ExternalVerifierIsTheOperators, giving.Message);
        var kept = await registry.SetRolesAsync(centre.Id, verifier.Id, [Role.Assessor], Operator);
        Assert.Equal([Role.Assessor, Role.ExternalVerifier], kept.Memberships.Single(m => m.CentreId == centre.Id).Roles);
        var reset = await Assert.ThrowsAsync<RefusedException>(() => registry.IssueResetCodeAsync(centre.Id, invited.Id, Operator));
        Assert.Contains("external verifier", reset.Message, StringComparison.Ordinal);

        // Through the staff page, as the exam officer's browser posts it.
        var officer = await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        using var browser = Client();
        using (await browser.SignInAsStaffAsync(officer.SignInName, Centres.Password))
        {
        }

        using var refused = await browser.PostFormAsync($"/centres/{centre.Id}/staff", $"/centres/{centre.Id}/staff?handler=Add",
            [new("email", $"page{centre.Number}@example.org"), new("displayName", "Page"), new("roles", "externalverifier")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("only the platform operator grants or withdraws it", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (withdrawn, _) = await Use<PlatformOperator>().SetExternalVerifierAsync(verifier.SignInName, null, centre.Id, grant: false, Operator);
        Assert.False(withdrawn.Holds(Role.ExternalVerifier, centre.Id));
        Assert.True(withdrawn.Holds(Role.Assessor, centre.Id));
        Assert.Equal(1, await EventsOf(verifier.Id, "external_verifier_withdrawn"));
    }

    [Fact]
    public async Task The_external_verifier_samples_a_test_and_evidence_issues_the_report_and_the_centre_sees_it_only_then()
    {
        var given = await CentreWithDecisionsAsync("EVS");
        var verifier = await ExternalVerifierAsync(given.Centre, "ev");
        var user = Claims(verifier);
        var due = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30));
        var recording = Use<RecordExternalSample>();
        var visit = await recording.HandleAsync(given.Centre.Id, SampleKind.TestAttempt, given.Attempt, 0, "disagree", "Outcome 2 is shown in question 7",
            [new("Second-mark the outcome 2 answers", due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), new("", "")], user);
        Assert.Equal(visit, await recording.HandleAsync(given.Centre.Id, SampleKind.Evidence, given.Submission, 1, "agree", "Sound judgement", [], user));

        var draft = await DraftAsync(given.Centre.Id, verifier.Id);
        Assert.NotNull(draft);
        Assert.Equal(2, draft.Samples.Count);
        var test = draft.Samples.Single(s => s.Sample.Kind == SampleKind.TestAttempt);
        Assert.False(test.Agrees);
        Assert.Equal(given.Assessor.SignInName, test.Sample.Assessor);
        Assert.Equal([new CentreAction("Second-mark the outcome 2 answers", due)], test.Actions);
        Assert.True(draft.Samples.Single(s => s.Sample.Kind == SampleKind.Evidence).Agrees);

        // The exam officer does not see the draft.
        var officer = await Centres.StaffAsync(_store, given.Centre, $"officer{given.Centre.Number}@example.org", Role.Admin);
        using var browser = Client();
        using (await browser.SignInAsStaffAsync(officer.SignInName, Centres.Password))
        {
        }

        var reports = $"/centres/{given.Centre.Id}/external-verification";
        Assert.DoesNotContain("Outcome 2 is shown in question 7", await browser.GetPageAsync(reports), StringComparison.Ordinal);

        await Use<IssueExternalReport>().HandleAsync(given.Centre.Id, "Two decisions sampled", user);
        var page = await browser.GetPageAsync(reports);
        Assert.Contains("Outcome 2 is shown in question 7", page, StringComparison.Ordinal);
        Assert.Contains("Second-mark the outcome 2 answers", page, StringComparison.Ordinal);
        Assert.Contains(due.ToString("d MMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en-GB")), page, StringComparison.Ordinal);
        Assert.Contains("Sound judgement", page, StringComparison.Ordinal);
        Assert.Equal(1, await EventsOf(visit, "external_verification_opened"));
        Assert.Equal(2, await EventsOf(visit, "external_sample_recorded"));
        Assert.Equal(1, await EventsOf(visit, "external_verification_report_issued"));

        // Issued means settled: the next sample starts a new draft, and there is nothing more to issue until it does.
        var again = await Assert.ThrowsAsync<RefusedException>(() => Use<IssueExternalReport>().HandleAsync(given.Centre.Id, null, user));
        Assert.Contains("record a sample first", again.Message, StringComparison.Ordinal);
        Assert.NotEqual(visit, await recording.HandleAsync(given.Centre.Id, SampleKind.Evidence, given.Submission, 1, "agree", "Still sound", [], user));
    }

    [Fact]
    public async Task The_external_verifier_samples_a_unit_decision_with_its_countersignature()
    {
        var given = await CentreWithDecisionsAsync("EVU");
        Guid enrolment;
        await using (var query = _store.QuerySession())
        {
            enrolment = (await query.LoadAsync<Attempt>(given.Attempt))!.EnrolmentId;
        }

        var due = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(7));
        await Use<DecideUnit>().HandleAsync(Claims(given.Assessor), enrolment,
            new UnitDecisionForm(Decisions.NotYetCompetent, "Outcome 2 is not shown", [new PlanAction("A short report on outcome 2", due)], NewTestOccasion: false));
        var internalVerifier = await Centres.StaffAsync(_store, given.Centre, $"iv{given.Centre.Number}@example.org", Role.Verifier);
        await Use<CountersignUnit>().HandleAsync(Claims(internalVerifier), enrolment, true, "Agreed: outcome 2 is missing");

        var verifier = await ExternalVerifierAsync(given.Centre, "ev");
        using var browser = Client();
        using (await browser.SignInAsStaffAsync(verifier.SignInName, Centres.Password))
        {
        }

        var sample = $"/external/centres/{given.Centre.Id}/samples/unit/{enrolment}?version=1";
        Assert.Contains(sample, await browser.GetPageAsync($"/external/centres/{given.Centre.Id}"), StringComparison.Ordinal);
        var page = await browser.GetPageAsync(sample);
        Assert.Contains("Agreed: outcome 2 is missing", page, StringComparison.Ordinal);
        Assert.Contains("A short report on outcome 2", page, StringComparison.Ordinal);

        await Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.Unit, enrolment, 1, "agree", "The plan is clear and dated", [], Claims(verifier));
        var recorded = Assert.Single((await DraftAsync(given.Centre.Id, verifier.Id))!.Samples);
        Assert.Equal((SampleKind.Unit, given.Assessor.SignInName, internalVerifier.SignInName, "countersigned"),
            (recorded.Sample.Kind, recorded.Sample.Assessor, recorded.Sample.InternalVerifier, recorded.Sample.InternalOutcome));

        // The internal verifier who countersigned, made an external verifier too, may not sample what they countersigned.
        var (both, _) = await Use<PlatformOperator>().SetExternalVerifierAsync(internalVerifier.SignInName, null, given.Centre.Id, grant: true, Operator);
        var own = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.Unit, enrolment, 1,
            "agree", "Fine", [], Claims(both)));
        Assert.Equal(RefusalKind.Forbidden, own.Kind);
    }

    [Fact]
    public async Task An_external_verifier_samples_through_the_pages_and_bad_input_is_told_plainly_with_nothing_written()
    {
        var given = await CentreWithDecisionsAsync("EVP");
        var verifier = await ExternalVerifierAsync(given.Centre, "ev");
        using var browser = Client();
        using (await browser.SignInAsStaffAsync(verifier.SignInName, Centres.Password))
        {
        }

        Assert.Contains(given.Centre.Name, await browser.GetPageAsync("/external"), StringComparison.Ordinal);
        var centrePage = await browser.GetPageAsync($"/external/centres/{given.Centre.Id}");
        Assert.Contains($"/external/centres/{given.Centre.Id}/samples/attempt/{given.Attempt}", centrePage, StringComparison.Ordinal);
        Assert.Contains($"/external/centres/{given.Centre.Id}/samples/evidence/{given.Submission}?version=1", centrePage, StringComparison.Ordinal);

        var sample = $"/external/centres/{given.Centre.Id}/samples/attempt/{given.Attempt}";
        Assert.Contains("Outcome 2 is not shown", await browser.GetPageAsync(sample), StringComparison.Ordinal); // the assessor's justification, read-only
        async Task<(HttpStatusCode Status, string Body)> PostAsync(params (string Name, string Value)[] fields)
        {
            using var response = await browser.PostFormAsync(sample, sample, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var noOutcome = await PostAsync(("comment", "Fine"));
        Assert.Equal(HttpStatusCode.BadRequest, noOutcome.Status);
        Assert.Contains("Choose whether you agree or disagree with the centre", noOutcome.Body, StringComparison.Ordinal);
        var tooLong = await PostAsync(("outcome", "agree"), ("comment", new string('x', ExternalVerificationDecisions.MaxComment + 1)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Contains("The comment is limited to 4,000 characters", tooLong.Body, StringComparison.Ordinal);
        var pastDue = await PostAsync(("outcome", "agree"), ("comment", "Fine"), ("actions", "Train the assessors"), ("due", "2001-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, pastDue.Status);
        Assert.Contains("has passed already", pastDue.Body, StringComparison.Ordinal);
        var draftId = ExternalReport.IdFor(given.Centre.Id, verifier.Id, 0);
        Assert.Equal(0, await EventsOf(draftId, "external_verification_opened"));
        Assert.Null(await DraftAsync(given.Centre.Id, verifier.Id));

        // Through the use case too: nothing is written for a refused sample.
        var refused = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.Evidence, given.Submission, 1,
            null, "Fine", [], Claims(verifier)));
        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.Null(await DraftAsync(given.Centre.Id, verifier.Id));

        var recorded = await PostAsync(("outcome", "agree"), ("comment", "Marks are consistent"), ("actions", "Keep the marking notes"), ("due", ""));
        Assert.Equal(HttpStatusCode.Redirect, recorded.Status);
        Assert.Equal(1, await EventsOf(draftId, "external_sample_recorded"));
        Assert.Contains("Marks are consistent", await browser.GetPageAsync($"/external/centres/{given.Centre.Id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_external_verifier_of_another_centre_is_refused_and_nobody_verifies_their_own_decision()
    {
        var given = await CentreWithDecisionsAsync("EVO");
        var elsewhere = await CentreWithDecisionsAsync("EVE");
        var stranger = await ExternalVerifierAsync(elsewhere.Centre, "stranger");
        var notHere = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.TestAttempt, given.Attempt, 0,
            "agree", "Fine", [], Claims(stranger)));
        Assert.Equal(RefusalKind.NotFound, notHere.Kind);
        // Their own centre's page does not reach the other centre's decisions either.
        var wrongCentre = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(elsewhere.Centre.Id, SampleKind.TestAttempt, given.Attempt, 0,
            "agree", "Fine", [], Claims(stranger)));
        Assert.Equal(RefusalKind.NotFound, wrongCentre.Kind);

        using var browser = Client();
        using (await browser.SignInAsStaffAsync(stranger.SignInName, Centres.Password))
        {
        }

        foreach (var path in new[]
        {
            $"/external/centres/{given.Centre.Id}", $"/external/centres/{given.Centre.Id}/samples/attempt/{given.Attempt}",
            $"/verify/centres/{given.Centre.Id}/exports", $"/centres/{given.Centre.Id}/external-verification",
        })
        {
            using var response = await browser.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/denied", StringComparison.Ordinal) == true,
                $"{path} answered {(int)response.StatusCode} {response.Headers.Location}");
        }

        // The centre's own assessor, made its external verifier too, may not verify the decision they made.
        var (both, _) = await Use<PlatformOperator>().SetExternalVerifierAsync(given.Assessor.SignInName, null, given.Centre.Id, grant: true, Operator);
        var own = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.TestAttempt, given.Attempt, 0,
            "agree", "Fine", [], Claims(both)));
        Assert.Equal(RefusalKind.Forbidden, own.Kind);
        var ownEvidence = await Assert.ThrowsAsync<RefusedException>(() => Use<RecordExternalSample>().HandleAsync(given.Centre.Id, SampleKind.Evidence, given.Submission, 1,
            "agree", "Fine", [], Claims(both)));
        Assert.Equal(RefusalKind.Forbidden, ownEvidence.Kind);
        Assert.Null(await DraftAsync(given.Centre.Id, both.Id));
    }
}
