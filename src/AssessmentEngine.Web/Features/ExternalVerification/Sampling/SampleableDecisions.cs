using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.ExternalVerification.Sampling;

/// <summary>
/// The decisions of a centre an external verifier can sample, each as a <see cref="SampledDecision"/> made from the stored
/// facts (never from what a form says): decided test attempts, judged versions of evidence and the assessors' unit decisions
/// (with the internal verifiers' countersignatures), newest first.
/// </summary>
public sealed class SampleableDecisions(IQuerySession session)
{
    /// <summary>The latest this many of each kind are listed.</summary>
    public const int Listed = 500;

    public async Task<IReadOnlyList<SampledDecision>> AtCentreAsync(Guid centreId, CancellationToken cancellationToken)
    {
        var attempts = await session.Query<Attempt>().Where(a => a.CentreId == centreId && a.Decision != null)
            .OrderByDescending(a => a.SubmittedAt).Take(Listed).ToListAsync(cancellationToken);
        var submissions = await session.Query<Submission>().Where(s => s.CentreId == centreId).Take(Listed * 2).ToListAsync(cancellationToken);
        var units = await session.Query<UnitOutcome>().Where(o => o.CentreId == centreId && o.Decisions.Any()).Take(Listed).ToListAsync(cancellationToken);
        return [.. (await DescribeAsync(attempts, submissions, units, cancellationToken)).OrderByDescending(s => s.DecidedAt)];
    }

    /// <summary>One decision of the centre, or "not found" when it is not the centre's or not decided.</summary>
    public async Task<SampledDecision> FindAsync(Guid centreId, SampleKind kind, Guid subjectId, int version, CancellationToken cancellationToken)
    {
        List<Attempt> attempts = [];
        List<Submission> submissions = [];
        List<UnitOutcome> units = [];
        if (kind == SampleKind.TestAttempt && await session.LoadAsync<Attempt>(subjectId, cancellationToken) is { } attempt && attempt.CentreId == centreId)
        {
            attempts.Add(attempt);
        }
        else if (kind == SampleKind.Evidence && await session.LoadAsync<Submission>(subjectId, cancellationToken) is { } submission && submission.CentreId == centreId)
        {
            submissions.Add(submission);
        }
        else if (kind == SampleKind.Unit && await session.LoadAsync<UnitOutcome>(subjectId, cancellationToken) is { } unit && unit.CentreId == centreId)
        {
            units.Add(unit);
        }

        return (await DescribeAsync(attempts, submissions, units, cancellationToken)).FirstOrDefault(s => s.Is(kind, subjectId, version))
            ?? throw new RefusedException(RefusalKind.NotFound, "There is no such decision at this centre to sample: it may not be decided yet.");
    }

    private async Task<IReadOnlyList<SampledDecision>> DescribeAsync(IReadOnlyList<Attempt> attempts, IReadOnlyList<Submission> submissions, IReadOnlyList<UnitOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var judged = submissions.SelectMany(s => s.Versions.Where(v => v.Judgement is not null).Select(v => (Submission: s, Version: v))).ToList();
        var candidateIds = attempts.Select(a => a.CandidateId).Concat(judged.Select(j => j.Submission.CandidateId)).Concat(outcomes.Select(o => o.CandidateId)).Distinct().ToArray();
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds)).ToDictionary(c => c.Id);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, judged.Select(j => j.Submission.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        // Evidence names its assessor and verifier by sign-in name; their accounts say who may not verify it.
        var names = judged.SelectMany(j => new[] { j.Version.Judgement!.Actor, j.Version.Verification?.Actor }).OfType<string>().Distinct().ToArray();
        var accounts = names.Length == 0 ? [] : await session.Query<UserAccount>().Where(a => names.Contains(a.SignInName)).ToListAsync(cancellationToken);
        var idsOf = accounts.ToDictionary(a => a.SignInName, a => a.Id, StringComparer.OrdinalIgnoreCase);
        string Who(Guid candidateId) => candidates.TryGetValue(candidateId, out var c) ? $"{c.Name} ({c.CandidateNumber})" : "an unknown candidate";

        var tests = attempts.Where(a => a.Decision is not null).Select(a => new SampledDecision(SampleKind.TestAttempt, a.Id, 0, a.UnitCode, Who(a.CandidateId),
            $"{a.UnitCode} online test, occasion {a.Occasion}", a.Decision!.Decision == Decisions.Competent ? "Competent" : "Not yet competent",
            a.Decision.Assessor, a.Verification?.Verifier, Outcome(a.Verification?.Agrees), a.Decision.DecidedAt,
            [.. a.MarkedOrDecidedBy.Append(a.Decision.AssessorId).Concat(a.Verification is { } v ? [v.VerifierId] : []).Distinct()]));
        var evidence = judged.Select(j =>
        {
            var (submission, version) = j;
            var judgement = version.Judgement!;
            var brief = units.GetValueOrDefault(submission.UnitCode)?.Briefs?.FirstOrDefault(b => b.Id == submission.BriefId)?.Title ?? version.Brief.Title;
            var unmet = judgement.Criteria.Count(c => !c.Met);
            var madeBy = new[] { judgement.Actor, version.Verification?.Actor }.OfType<string>().Where(idsOf.ContainsKey).Select(n => idsOf[n]).Distinct().ToList();
            return new SampledDecision(SampleKind.Evidence, submission.Id, version.Number, submission.UnitCode, Who(submission.CandidateId),
                $"{submission.UnitCode} evidence: {brief}, version {version.Number}",
                unmet == 0 ? "Every criterion met" : $"{unmet} of {judgement.Criteria.Count} criteria not yet met",
                judgement.Actor, version.Verification?.Actor, Outcome(version.Verification?.Agrees), judgement.At, madeBy);
        });
        var unitDecisions = outcomes.SelectMany(o => o.Decisions.Select(d => new SampledDecision(SampleKind.Unit, o.Id, d.Number, o.UnitCode, Who(o.CandidateId),
            $"{o.UnitCode} unit decision {d.Number}", d.Competent ? "Competent" : "Not yet competent", d.Assessor, d.Countersignature?.Verifier,
            d.Countersignature is { } c ? (c.Agrees ? "countersigned" : "disagreed") : null, d.DecidedAt,
            [.. new[] { d.AssessorId }.Concat(d.Countersignature is { } signed ? [signed.VerifierId] : []).Distinct()])));
        return [.. tests, .. evidence, .. unitDecisions];
    }

    private static string? Outcome(bool? agrees) => agrees switch { true => "agreed", false => "disagreed", null => null };
}
