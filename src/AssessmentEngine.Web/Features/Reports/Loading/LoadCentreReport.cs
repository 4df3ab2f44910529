using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Reports.Loading;

/// <summary>
/// Loads a centre's report: every document it reads is queried by the centre's id (each indexed on CentreId) in one round
/// trip, attempts without their answers, then the titles of the units enrolled on; nothing is read per candidate.
/// </summary>
public sealed class LoadCentreReport(IDocumentStore store, TimeProvider time)
{
    public async Task<CentreReport> HandleAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return CentreReport.Of(await FactsAsync(session, centreId, cancellationToken), time.GetUtcNow());
    }

    /// <summary>What the report reads, in two requests of <paramref name="session"/> however many candidates the centre has.</summary>
    public static async Task<ReportFacts> FactsAsync(IQuerySession session, Guid centreId, CancellationToken cancellationToken)
    {
        var batch = session.CreateBatchQuery();
        var centre = batch.Load<Centre>(centreId);
        var candidates = batch.Query<Candidate>().Where(c => c.CentreId == centreId).ToList();
        var enrolments = batch.Query<Enrolment>().Where(e => e.CentreId == centreId).ToList();
        var outcomes = batch.Query<UnitOutcome>().Where(o => o.CentreId == centreId).ToList();
        var attempts = batch.Query<Attempt>().Where(a => a.CentreId == centreId).Select(a => new AttemptFacts
        {
            Id = a.Id,
            EnrolmentId = a.EnrolmentId,
            CandidateId = a.CandidateId,
            UnitCode = a.UnitCode,
            Status = a.Status,
            SubmittedAt = a.SubmittedAt,
            Form = a.Form,
            AutoMarks = a.AutoMarks,
            AssessorMarks = a.AssessorMarks,
            Decision = a.Decision,
            Sampled = a.Sampled,
            Verification = a.Verification,
        }).ToList();
        var submissions = batch.Query<Submission>().Where(s => s.CentreId == centreId).ToList();
        await batch.Execute(cancellationToken);

        var found = await centre ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var enrolled = await enrolments;
        var codes = enrolled.Select(e => e.UnitCode).Distinct().ToArray();
        var titles = codes.Length == 0 ? []
            : await session.Query<BankUnit>().Where(u => u.Id.IsOneOf(codes)).Select(u => new UnitTitle { Code = u.Id, Title = u.Title }).ToListAsync(cancellationToken);
        return new ReportFacts(found, await candidates, enrolled, await outcomes, await attempts, await submissions,
            titles.ToDictionary(t => t.Code, t => t.Title, StringComparer.Ordinal));
    }

    private sealed class UnitTitle
    {
        public string Code { get; init; } = "";

        public string Title { get; init; } = "";
    }
}
