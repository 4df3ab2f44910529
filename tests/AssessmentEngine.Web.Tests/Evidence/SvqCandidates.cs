using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>SVQ candidates enrolled on units 7 (F05T 04) and 8 (F04E 04) of the SVQ in Customer Service at level 4, which have portfolio briefs and no window.</summary>
public static class SvqCandidates
{
    public const string Unit7 = "F05T 04";
    public const string Unit8 = "F04E 04";
    public const string Brief7 = "svq-g8nn24-01-portfolio";
    public const string Brief7Title = "Portfolio evidence of customer service principles in your own work";
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");

    /// <summary>Imports the two units' folders from the repository, unless the database has them.</summary>
    public static Task ImportAsync(IDocumentStore store) =>
        EvidenceCandidates.ImportAsync(store, Unit7, "svq-g8nn24-01-understand-customer-service", "svq-g8nn24-02-know-the-rules");

    /// <summary>A candidate of <paramref name="centre"/> enrolled on both units, not signed in; their enrolment on each.</summary>
    public static async Task<(Candidate Candidate, Enrolment On7, Enrolment On8)> EnrolledOnBothAsync(EngineFactory engine, Centre centre, string number)
    {
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var candidate = await Centres.CandidateAsync(store, centre, number);
        using (var scope = engine.Services.CreateScope())
        {
            foreach (var unit in new[] { Unit7, Unit8 })
            {
                await scope.ServiceProvider.GetRequiredService<EnrolCandidates>().HandleAsync(centre.Id, unit, [candidate.Id], Officer);
            }
        }

        await using var query = store.QuerySession();
        var enrolments = await query.Query<Enrolment>().Where(e => e.CandidateId == candidate.Id).ToListAsync();
        return (candidate, enrolments.Single(e => e.UnitCode == Unit7), enrolments.Single(e => e.UnitCode == Unit8));
    }

    /// <summary>Version 1 of the candidate's case study for unit 7's brief, submitted and judged with every criterion met, written straight to the store; its id.</summary>
    public static async Task<Guid> JudgedAsync(IDocumentStore store, Enrolment on7, string assessor)
    {
        await using var session = store.LightweightSession();
        var brief = (await session.LoadAsync<BankUnit>(Unit7))!.Briefs!.Single(b => b.Id == Brief7);
        var id = Submission.IdFor(on7.Id, Brief7);
        var file = new EvidenceFile(Guid.NewGuid(), "Complaint case study.docx", EvidenceKind.Docx, 9, "", 1_200, ScanState.NotScanned);
        var now = DateTimeOffset.UtcNow;
        session.Events.StartStream<Submission>(id,
            new EvidenceFileAdded(id, on7.Id, on7.CandidateId, on7.CentreId, Unit7, Brief7, file, "candidate", now),
            new EvidenceSubmitted(id, on7.CentreId, 1, [file.Id], new BriefRevision(brief.Id, brief.ContentHash, brief.Title, brief.Html), SubmissionDecisions.Declaration,
                "candidate", "192.0.2.1", now),
            new EvidenceJudged(id, on7.CentreId, 1, brief.Covers.Select(c => new CriterionJudgement(c, true, "")).ToList(), "Real work, a range of examples.", assessor,
                "192.0.2.1", now));
        await session.SaveChangesAsync();
        return id;
    }
}
