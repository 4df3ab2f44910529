using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Recording;

/// <summary>
/// One piece of what covers a statement: where it comes from, what it says, and whether it shows the statement
/// (<paramref name="Shows"/>: a criterion judged met, an observation or discussion, a confirmed testimony, a test's
/// items marked). A criterion not yet met, a version awaiting judgement or an unconfirmed testimony is listed but shows
/// nothing yet. Nothing here decides: the assessor does.
/// </summary>
public sealed record Cover(string Source, string Detail, bool Shows);

/// <summary>A statement of the unit and everything that covers it; a gap when nothing shows it yet.</summary>
public sealed record StatementCover(Statement Statement, IReadOnlyList<Cover> Covers)
{
    public bool Gap => !Covers.Any(c => c.Shows);
}

/// <summary>The unit record of a candidate's enrolment: every statement with what covers it, gaps first.</summary>
public static class UnitRecord
{
    public static async Task<IReadOnlyList<StatementCover>> ForAsync(IQuerySession session, Enrolment enrolment, BankUnit unit, IReadOnlyList<AssessorRecord> records,
        CancellationToken cancellationToken)
    {
        var statements = unit.Outcomes.SelectMany(o => o.Statements).DistinctBy(s => s.Reference, StringComparer.Ordinal).ToList();
        var covers = statements.ToDictionary(s => s.Reference, _ => new List<Cover>(), StringComparer.Ordinal);
        void Add(string reference, Cover cover)
        {
            if (covers.TryGetValue(reference, out var list))
            {
                list.Add(cover);
            }
        }

        // The online test: each submitted attempt's items on the statement, and the marks they got so far.
        var attempts = await session.Query<Attempt>().Where(a => a.EnrolmentId == enrolment.Id && a.Status == AttemptStatus.Submitted).ToListAsync(cancellationToken);
        foreach (var attempt in attempts.Where(a => a.Form is { Items.Count: > 0 }))
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            foreach (var group in items.Values.SelectMany(item => item.Statements.Select(reference => (reference, item))).GroupBy(p => p.reference, StringComparer.Ordinal))
            {
                var available = group.Sum(p => p.item.Marks);
                var got = group.Sum(p => attempt.AssessorMarks.TryGetValue(p.item.Id, out var mark) ? mark.Marks : attempt.AutoMarks.GetValueOrDefault(p.item.Id));
                var marked = group.All(p => attempt.AssessorMarks.ContainsKey(p.item.Id) || attempt.AutoMarks.ContainsKey(p.item.Id));
                Add(group.Key, new Cover("Online test", $"{group.Count()} question(s) on {attempt.SubmittedAt:d MMM yyyy}: " +
                    (marked ? $"{got:0.#} of {available} marks" : "waiting for marking"), marked));
            }
        }

        // Submitted evidence: the latest judged version's criteria, or the version waiting for judgement.
        var submissions = await session.Query<Submission>().Where(s => s.EnrolmentId == enrolment.Id).ToListAsync(cancellationToken);
        foreach (var submission in submissions.Where(s => s.Latest is not null))
        {
            var title = unit.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId)?.Title ?? submission.BriefId;
            if (submission.Versions.LastOrDefault(v => v.Judgement is not null) is { Judgement: { } judged } version)
            {
                foreach (var criterion in judged.Criteria)
                {
                    Add(criterion.Reference, new Cover("Submitted evidence", $"{title}, version {version.Number}: " +
                        (criterion.Met ? "met" : $"not yet met{(criterion.Comment.Length > 0 ? $" ({criterion.Comment})" : "")}"), criterion.Met));
                }
            }

            if (submission.Latest is { Judgement: null } waiting && unit.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId) is { } brief)
            {
                foreach (var reference in brief.Covers)
                {
                    Add(reference, new Cover("Submitted evidence", $"{title}, version {waiting.Number}: waiting for judgement", false));
                }
            }
        }

        // Evidence submitted for another of the candidate's units and counted for this one (integration of assessment).
        foreach (var (submission, counted) in await CountedForAsync(session, enrolment, cancellationToken))
        {
            var detail = $"{submission.Versions.First(v => v.Number == counted.Version).Brief.Title}, version {counted.Version}, counted by {counted.Actor}: {counted.Comment}";
            foreach (var reference in counted.Statements)
            {
                Add(reference, new Cover($"Evidence from {submission.UnitCode}", detail, true));
            }
        }

        // What the assessor gathered.
        foreach (var record in records)
        {
            foreach (var reference in record.Covers)
            {
                Add(reference, new Cover(AssessorRecords.Title(record.Kind), Detail(record), record.Authenticated));
            }
        }

        // What the assessor gathered for another of the candidate's units that also shows statements of this one.
        var others = await session.Query<AssessorRecord>().Where(r => r.CandidateId == enrolment.CandidateId && r.EnrolmentId != enrolment.Id).ToListAsync(cancellationToken);
        foreach (var (record, also) in others.SelectMany(r => r.AlsoFor.Where(a => a.EnrolmentId == enrolment.Id).Select(a => (r, a))))
        {
            foreach (var reference in also.Statements)
            {
                Add(reference, new Cover($"{AssessorRecords.Title(record.Kind)} for {record.UnitCode}", Detail(record), record.Authenticated));
            }
        }

        return statements.Select(s => new StatementCover(s, covers[s.Reference]))
            .OrderBy(s => s.Gap ? 0 : 1).ToList();
    }

    private static string Detail(AssessorRecord record) => $"{record.On:d MMM yyyy}, {record.Activity}" + (record.Witness is { } witness
        ? $" — {witness.Name}, {(record.ConfirmedAt is null ? "not confirmed by the witness yet" : "confirmed by the witness")}" : "");

    /// <summary>The candidate's submissions for other units that an assessor counted for this enrolment, each with its count.</summary>
    public static async Task<IReadOnlyList<(Submission Submission, EvidenceCrossReferenced Counted)>> CountedForAsync(IQuerySession session, Enrolment enrolment,
        CancellationToken cancellationToken)
    {
        var others = await session.Query<Submission>().Where(s => s.CandidateId == enrolment.CandidateId && s.UnitCode != enrolment.UnitCode).ToListAsync(cancellationToken);
        return others.SelectMany(s => s.CrossReferences.Where(c => c.EnrolmentId == enrolment.Id).Select(c => (s, c))).ToList();
    }
}
