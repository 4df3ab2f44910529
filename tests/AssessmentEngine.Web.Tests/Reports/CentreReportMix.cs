using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Marking.Deciding;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Evidence;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Reports;

/// <summary>A centre with a known mix of candidates for its reports, its exam officer and assessor, and the candidates the tests name.</summary>
public sealed record CentreReportMix(Centre Centre, UserAccount Admin, UserAccount Assessor, IReadOnlyList<Candidate> OnTheTest, Candidate ClosingSoon, Candidate EvidenceWaiting,
    Candidate EvidenceSampled)
{
    public const string Unit = "FE6V 35";

    /// <summary>The first name of the candidate whose window closes soon: a spreadsheet would run it as a formula.</summary>
    public const string Formula = "=HYPERLINK(\"http://example.org\")";

    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");

    /// <summary>
    /// FE6V 35 (ten candidates): one who has done nothing and one enrolled late whose window closes in 6 days (not started); one
    /// checked in and one whose test is marked and decided not yet competent, sampled (in progress); one whose submitted test has
    /// responses to mark (waiting); unit decisions: competent and sampled (awaiting countersignature), disputed by the verifier,
    /// competent not sampled (awaiting release), released competent, and released not yet competent with a plan of two actions,
    /// one overdue. 305/695 (two): evidence waiting for judgement with the window closing in 11 days, and judged evidence sampled.
    /// </summary>
    public static async Task<CentreReportMix> BuildAsync(EngineFactory engine)
    {
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        await EvidenceCandidates.ImportAsync(store);
        T Use<T>() where T : notnull => engine.Services.CreateScope().ServiceProvider.GetRequiredService<T>();
        var now = TimeProvider.System.GetUtcNow();
        var sitting = await SittingNow.CreateAsync(engine.Services, TimeProvider.System, candidates: 9, prefix: "RPT");
        var centre = sitting.Centre;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime);
        var c = sitting.Candidates;
        var admin = await Centres.StaffAsync(store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        var assessor = await Centres.StaffAsync(store, centre, $"assessor{centre.Number}@example.org", Role.Assessor);
        var staff = new Staff(assessor.Id, assessor.SignInName);
        var claims = EngineClaims.For(assessor, "test", now);

        await AttemptBuilder.CheckedInAsync(engine.Services, sitting.Sitting, c[1]);
        await SubmittedAsync(engine, sitting, c[2]);
        var decided = await SubmittedAsync(engine, sitting, c[3]);
        var marked = await Use<MarkedAttempts>().LoadAsync(decided.Id, Role.Assessor, claims);
        foreach (var item in decided.Form!.Items.Where(i => marked.Items[i.ItemId].Type == AssessmentEngine.ItemBank.ItemType.Extended))
        {
            await Use<MarkResponse>().HandleAsync(decided.Id, item.ItemId, 0, null, staff, claims);
        }

        await Use<RecordDecision>().HandleAsync(decided.Id, Decisions.NotYetCompetent, "outcome 2 not shown", staff, claims);

        Dictionary<Guid, Enrolment> enrolments;
        await using (var query = store.QuerySession())
        {
            enrolments = (await query.Query<Enrolment>().Where(e => e.CentreId == centre.Id).ToListAsync()).ToDictionary(e => e.CandidateId);
        }

        async Task DecideAsync(Candidate candidate, string decision, Func<Guid, object[]> after)
        {
            var enrolment = enrolments[candidate.Id];
            await store.DecideAsync<UnitOutcome>(enrolment.Id, outcome =>
                [new UnitDecided(enrolment.Id, candidate.Id, centre.Id, Unit, outcome.Decisions.Count + 1, decision, "As the record shows", "The test and the records",
                    assessor.Id, "unit.assessor@example.org", now), .. after(enrolment.Id)], CancellationToken.None);
        }

        await DecideAsync(c[4], Decisions.Competent, id => [new UnitDecisionSampled(id, 1, "one in ten", "sampling rule", now)]);
        await DecideAsync(c[5], Decisions.NotYetCompetent, id =>
        [
            new AssessmentPlanAgreed(id, 1, [new PlanAction("Resubmit the report on outcome 2", today.AddDays(-3)), new PlanAction("An observation at work", today.AddDays(10))],
                false, "unit.assessor@example.org", now),
            new UnitResultReleased(id, 1, "officer", now),
        ]);
        await DecideAsync(c[6], Decisions.Competent, id => [new UnitResultReleased(id, 1, "officer", now)]);
        await DecideAsync(c[7], Decisions.Competent, _ => []);
        await DecideAsync(c[8], Decisions.Competent, id =>
        [
            new UnitDecisionSampled(id, 1, "one in ten", "sampling rule", now),
            new UnitDecisionCountersigned(id, 1, false, "Outcome 3 is thin", Guid.NewGuid(), "verifier@example.org", now),
        ]);

        // Enrolled five weeks ago: the window closes in six days. Their name would run as a formula in a spreadsheet.
        var late = await Centres.CandidateAsync(store, centre, "RPT0010");
        await Use<EnrolCandidates>().HandleAsync(centre.Id, Unit, [late.Id], Officer);
        await using (var query = store.QuerySession())
        {
            var enrolment = await query.Query<Enrolment>().SingleAsync(e => e.CandidateId == late.Id);
            await Use<AgreeWindow>().HandleAsync(centre.Id, enrolment.Id, today.AddDays(-35), "the assessor", Officer);
        }

        await using (var write = store.LightweightSession())
        {
            late = late with { FirstName = Formula };
            write.Store(late);
            await write.SaveChangesAsync();
        }

        var (waiting, waitingEnrolment) = await EvidenceCandidates.EnrolAsync(engine, centre, "RPE0001", today.AddDays(-30));
        await EvidenceAsync(store, centre, waiting, waitingEnrolment, judgedAndSampled: false, hoursAgo: 50);
        var (sampled, sampledEnrolment) = await EvidenceCandidates.EnrolAsync(engine, centre, "RPE0002", today);
        await EvidenceAsync(store, centre, sampled, sampledEnrolment, judgedAndSampled: true, hoursAgo: 49);
        return new CentreReportMix(centre, admin, assessor, c, late, waiting, sampled);
    }

    private static async Task<Attempt> SubmittedAsync(EngineFactory engine, SittingNow sitting, Candidate candidate)
    {
        using var scope = engine.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SubmitAttempt>().HandleAsync(await AttemptBuilder.InProgressAsync(engine.Services, sitting.Sitting, candidate), "candidate");
    }

    /// <summary>Version 1 of the portfolio report submitted (and, when asked, judged by judge@example.org and sampled), as the candidate's and assessor's use cases record it.</summary>
    private static async Task EvidenceAsync(IDocumentStore store, Centre centre, Candidate candidate, Enrolment enrolment, bool judgedAndSampled, int hoursAgo)
    {
        BankUnit unit;
        await using (var query = store.QuerySession())
        {
            unit = (await query.LoadAsync<BankUnit>(EvidenceCandidates.Unit))!;
        }

        var brief = unit.Briefs!.Single(b => b.Id == EvidenceCandidates.Brief);
        var id = Submission.IdFor(enrolment.Id, brief.Id);
        var file = new EvidenceFile(Guid.NewGuid(), "report.pdf", EvidenceKind.Pdf, 9, "", null, ScanState.Clean);
        var at = DateTimeOffset.UtcNow.AddHours(-hoursAgo);
        List<object> events =
        [
            new EvidenceFileAdded(id, enrolment.Id, candidate.Id, centre.Id, unit.Id, brief.Id, file, "candidate", at),
            new EvidenceSubmitted(id, centre.Id, 1, [file.Id], new BriefRevision(brief.Id, brief.ContentHash, brief.Title, brief.Html), SubmissionDecisions.Declaration,
                "candidate", "192.0.2.1", at),
        ];
        if (judgedAndSampled)
        {
            events.Add(new EvidenceJudged(id, centre.Id, 1, brief.Covers.Select(c => new CriterionJudgement(c, true, "")).ToList(), "Good", "judge@example.org", "192.0.2.1", at));
            events.Add(new EvidenceSampled(id, centre.Id, 1, "one in ten", "sampling rule", at));
        }

        Assert.True(await store.StartAsync<Submission>(id, events, CancellationToken.None));
    }
}
