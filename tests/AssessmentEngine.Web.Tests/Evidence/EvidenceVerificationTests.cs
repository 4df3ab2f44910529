using System.Globalization;
using System.Net;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Verifying;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>
/// Judged evidence sampled and verified by the internal verifier of the submission's centre, through the engine's pages on
/// the real database: the centre's sampling rule, the verifier's own choice, agreeing and disagreeing, and every refusal.
/// </summary>
public sealed class EvidenceVerificationTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly string[] Covers = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2"];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Centre _centre = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web", clock: _clock);
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        _centre = await NewCentreAsync();
        await EvidenceCandidates.ImportAsync(_store);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<Centre> NewCentreAsync() => await Centres.CentreAsync(_store, Random.Shared.Next(600000, 699999).ToString(CultureInfo.InvariantCulture));

    private async Task<(PageClient Browser, string Actor)> StaffAsync(string name, Centre centre, params Role[] roles)
    {
        var (browser, account) = await EvidenceCandidates.StaffAsync(_engine, centre, $"{name}{centre.Number}@example.org", roles);
        return (browser, account.SignInName);
    }

    /// <summary>A candidate of the centre who uploaded a report and submitted it as version 1; the submission's id.</summary>
    private async Task<Guid> SubmittedAsync(string number)
    {
        var enrolled = await EvidenceCandidates.EnrolledAsync(_engine, _centre, number, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime));
        var tus = await TusClient.ForPageAsync(enrolled.Browser.Http, enrolled.Page);
        using (var uploaded = await tus.UploadAsync("Report.docx", EvidenceSamples.Docx(3_200), enrolled.Enrolment.Id, EvidenceCandidates.Brief))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }

        Assert.Contains("Submitted as version 1", await EvidenceCandidates.SubmitAsync(enrolled.Browser, enrolled.Page), StringComparison.Ordinal);
        return Submission.IdFor(enrolled.Enrolment.Id, EvidenceCandidates.Brief);
    }

    private static async Task JudgeAsync(PageClient assessor, Guid submissionId, bool allMet)
    {
        var page = $"/assess/evidence/{submissionId}";
        var fields = Covers.SelectMany(c => new KeyValuePair<string, string>[]
            {
                new($"met:{c}", allMet || c != "4.2" ? "met" : "not-yet"), new($"comment:{c}", allMet || c != "4.2" ? "" : "Use your own figures."),
            })
            .Append(new("version", "1")).Append(new("feedback", "A clear report."));
        using var judged = await assessor.PostFormAsync(page, $"{page}?handler=Judge", fields);
        Assert.Contains("Version 1 judged", await judged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Posts a handler of the judging page with the caller's antiforgery token (from the page when it shows a form, else from the sign-in page).</summary>
    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(PageClient client, string area, Guid submissionId, string handler, params (string Name, string Value)[] fields)
    {
        var page = $"/{area}/evidence/{submissionId}";
        var token = await client.TokenOnAsync(page) ?? await client.TokenOnAsync("/signin");
        Assert.NotNull(token);
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", token)));
        using var response = await client.Http.PostAsync(new Uri($"{page}?handler={handler}", UriKind.Relative), content);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private async Task<SubmittedVersion> VersionAsync(Guid submissionId)
    {
        await using var query = _store.QuerySession();
        return (await query.LoadAsync<Submission>(submissionId))!.Versions[0];
    }

    [Fact]
    public async Task A_judged_version_is_sampled_by_the_rule_or_the_verifier_verified_with_a_comment_when_disagreeing_and_shown_to_both_areas()
    {
        var first = await SubmittedAsync("IVE0001");
        var (assessor, assessorName) = await StaffAsync("assessor", _centre, Role.Assessor);
        using var assessorBrowser = assessor;
        var (verifierBrowser, verifierName) = await StaffAsync("verifier", _centre, Role.Verifier);
        using var verifier = verifierBrowser;

        // Nothing to sample or verify before the assessor has judged.
        var early = await PostAsync(verifier, "verify", first, "Sample", ("version", "1"));
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Contains("Version 1 is not judged yet: only a judged version can be sampled.", early.Body, StringComparison.Ordinal);
        var unjudged = await PostAsync(verifier, "verify", first, "Verify", ("version", "1"), ("agrees", "true"));
        Assert.Contains("only a judged version can be verified", unjudged.Body, StringComparison.Ordinal);

        // The assessor's first judgement on the unit is sampled by the rule (at least one of each assessor's other judgements).
        await JudgeAsync(assessor, first, allMet: true);
        Assert.Equal($"one in 10 of {assessorName}'s other judgements", (await VersionAsync(first)).Sampled?.Reason);

        // A second judgement, all met, is drawn one time in ten; when it is not, the verifier adds it to their sample.
        var second = await SubmittedAsync("IVE0002");
        await JudgeAsync(assessor, second, allMet: true);
        var judged = await VersionAsync(second);
        var drawn = EvidenceSamplingRule.Reason(judged.Judgement!, assessorsOthersSampled: 1);
        Assert.Equal(drawn, judged.Sampled?.Reason);
        var sampled = await PostAsync(verifier, "verify", second, "Sample", ("version", "1"));
        Assert.Equal(HttpStatusCode.OK, sampled.Status);
        var inSample = (await VersionAsync(second)).Sampled!;
        Assert.Equal((drawn ?? SubmissionDecisions.VerifiersChoice, drawn is null ? verifierName : "sampling rule"), (inSample.Reason, inSample.Actor));

        // The verifier's page lists both judgements, sampled and waiting, with links to them.
        var sample = WebUtility.HtmlDecode(await verifier.GetPageAsync($"/verify/centres/{_centre.Id}"));
        Assert.Contains("Evidence judgements (2)", sample, StringComparison.Ordinal);
        Assert.Contains($"/verify/evidence/{first}", sample, StringComparison.Ordinal);
        Assert.Contains($"/verify/evidence/{second}", sample, StringComparison.Ordinal);
        Assert.Contains("waiting for verification", sample, StringComparison.Ordinal);

        // Disagreeing needs a comment; then the outcome stands and is not recorded twice.
        var bare = await PostAsync(verifier, "verify", first, "Verify", ("version", "1"), ("agrees", "false"), ("comment", " "));
        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Contains("Say why you disagree with the judgement", bare.Body, StringComparison.Ordinal);
        var undecided = await PostAsync(verifier, "verify", first, "Verify", ("version", "1"), ("comment", "Hmm"));
        Assert.Contains("Say whether you agree with the judgement.", undecided.Body, StringComparison.Ordinal);
        var disagreed = await PostAsync(verifier, "verify", first, "Verify", ("version", "1"), ("agrees", "false"), ("comment", "3.4 is not evidenced: no reflection."));
        Assert.Equal(HttpStatusCode.OK, disagreed.Status);
        Assert.Contains("Your verification of version 1 is recorded.", disagreed.Body, StringComparison.Ordinal);
        var verified = (await VersionAsync(first)).Verification!;
        Assert.Equal((false, "3.4 is not evidenced: no reflection.", verifierName), (verified.Agrees, verified.Comment, verified.Actor));
        var again = await PostAsync(verifier, "verify", first, "Verify", ("version", "1"), ("agrees", "true"));
        Assert.Contains($"{verifierName} has already verified the judgement of version 1.", again.Body, StringComparison.Ordinal);

        // Agreeing needs no comment.
        var agreed = await PostAsync(verifier, "verify", second, "Verify", ("version", "1"), ("agrees", "true"));
        Assert.Equal(HttpStatusCode.OK, agreed.Status);
        Assert.True((await VersionAsync(second)).Verification!.Agrees);

        // The assessor reads the sample and the outcome, and cannot sample or verify in their own area.
        var assessorsView = WebUtility.HtmlDecode(await assessor.GetPageAsync($"/assess/evidence/{first}"));
        Assert.Contains($"{verifierName} disagrees with the judgement", assessorsView, StringComparison.Ordinal);
        Assert.Contains("3.4 is not evidenced: no reflection.", assessorsView, StringComparison.Ordinal);
        Assert.Contains("In the verifier's sample (one in 10 of", assessorsView, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(assessor, "assess", second, "Sample", ("version", "1"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(assessor, "assess", second, "Verify", ("version", "1"), ("agrees", "true"))).Status);
        Assert.Equal(2L, await StoredEvents.CountAsync(database.ConnectionString, first, "evidence_sampled") + await StoredEvents.CountAsync(database.ConnectionString, second, "evidence_sampled"));
    }

    [Fact]
    public async Task Another_centres_verifier_an_assessor_and_the_verifier_who_judged_it_are_refused()
    {
        var submission = await SubmittedAsync("IVE0101");
        var (both, _) = await StaffAsync("both", _centre, Role.Assessor, Role.Verifier);
        using var judgeAndVerifier = both;

        // A criterion not yet met puts the judgement in the sample by the rule.
        await JudgeAsync(judgeAndVerifier, submission, allMet: false);
        Assert.Equal(EvidenceSamplingRule.NotEveryCriterionMet, (await VersionAsync(submission)).Sampled?.Reason);

        var own = await PostAsync(judgeAndVerifier, "verify", submission, "Verify", ("version", "1"), ("agrees", "true"));
        Assert.Equal(HttpStatusCode.BadRequest, own.Status);
        Assert.Contains("You judged version 1: staff must never internally verify their own assessments.", own.Body, StringComparison.Ordinal);

        var elsewhere = await NewCentreAsync();
        var (otherVerifier, _) = await StaffAsync("verifier", elsewhere, Role.Verifier);
        using var stranger = otherVerifier;
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, "verify", submission, "Sample", ("version", "1"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, "verify", submission, "Verify", ("version", "1"), ("agrees", "true"))).Status);

        var (assessorOnly, _) = await StaffAsync("assessor", _centre, Role.Assessor);
        using var assessor = assessorOnly;
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(assessor, "verify", submission, "Verify", ("version", "1"), ("agrees", "true"))).Status);

        Assert.Null((await VersionAsync(submission)).Verification);
        Assert.Equal(0L, await StoredEvents.CountAsync(database.ConnectionString, submission, "evidence_verified"));
    }
}
