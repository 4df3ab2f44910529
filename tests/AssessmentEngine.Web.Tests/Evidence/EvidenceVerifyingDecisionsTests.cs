using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Verifying;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Sampling and verifying a judged version: given the submission's events, when the verifier acts, then events or a refusal. No database.</summary>
public sealed class EvidenceVerifyingDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Centre = Guid.NewGuid();

    private static Submission Submitted()
    {
        var file = new EvidenceFile(Guid.NewGuid(), "report.pdf", EvidenceKind.Pdf, 9, "", 3_000, ScanState.Clean);
        return Submission.Create(new EvidenceFileAdded(Id, Guid.NewGuid(), Guid.NewGuid(), Centre, "305/695", "brief", file, "candidate", Now))
            .Apply(new EvidenceSubmitted(Id, Centre, 1, [file.Id], new BriefRevision("brief", "hash", "Brief", ""), SubmissionDecisions.Declaration, "candidate", "192.0.2.1", Now));
    }

    private static EvidenceJudged Judged(bool allMet, string assessor = "ann.assessor") =>
        new(Id, Centre, 1, [new("1.1", true, ""), new("1.2", allMet, allMet ? "" : "Say how.")], "Feedback", assessor, "192.0.2.1", Now);

    [Fact]
    public void A_version_not_yet_judged_is_neither_sampled_nor_verified()
    {
        var sampling = Assert.Throws<RefusedException>(() => SubmissionDecisions.Sample(Submitted(), 1, "chosen", "vic.verifier", Now));
        Assert.Equal((RefusalKind.Conflict, "Version 1 is not judged yet: only a judged version can be sampled."), (sampling.Kind, sampling.Message));
        var verifying = Assert.Throws<RefusedException>(() => SubmissionDecisions.Verify(Submitted(), 1, true, null, "vic.verifier", "192.0.2.9", Now));
        Assert.Contains("only a judged version can be verified", verifying.Message, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.NotFound, Assert.Throws<RefusedException>(() => SubmissionDecisions.Sample(Submitted().Apply(Judged(true)), 2, "chosen", "vic", Now)).Kind);
    }

    [Fact]
    public void A_judged_version_is_sampled_once()
    {
        var judged = Submitted().Apply(Judged(true));
        var sampled = Assert.IsType<EvidenceSampled>(Assert.Single(SubmissionDecisions.Sample(judged, 1, SubmissionDecisions.VerifiersChoice, "vic.verifier", Now)));
        Assert.Equal((1, SubmissionDecisions.VerifiersChoice, "vic.verifier"), (sampled.Version, sampled.Reason, sampled.Actor));
        Assert.Empty(SubmissionDecisions.Sample(judged.Apply(sampled), 1, SubmissionDecisions.VerifiersChoice, "another.verifier", Now));
    }

    [Fact]
    public void Verifying_a_version_outside_the_sample_adds_it_as_the_verifiers_choice_and_agreeing_needs_no_comment()
    {
        var events = SubmissionDecisions.Verify(Submitted().Apply(Judged(true)), 1, true, null, "vic.verifier", "192.0.2.9", Now);
        Assert.Equal([typeof(EvidenceSampled), typeof(EvidenceVerified)], events.Select(e => e.GetType()));
        var verified = Assert.IsType<EvidenceVerified>(events[1]);
        Assert.Equal((true, "", "vic.verifier"), (verified.Agrees, verified.Comment, verified.Actor));
    }

    [Fact]
    public void Nobody_verifies_their_own_judgement_disagreeing_needs_a_comment_and_a_verification_stands()
    {
        var judged = Submitted().Apply(Judged(true, assessor: "Ann.Assessor"));
        Assert.Equal(RefusalKind.Forbidden, Assert.Throws<RefusedException>(() => SubmissionDecisions.Verify(judged, 1, true, "fine", "ann.assessor", "192.0.2.9", Now)).Kind);
        var bare = Assert.Throws<RefusedException>(() => SubmissionDecisions.Verify(judged, 1, false, "  ", "vic.verifier", "192.0.2.9", Now));
        Assert.Equal(RefusalKind.Invalid, bare.Kind);
        var done = judged.Apply(Assert.IsType<EvidenceVerified>(SubmissionDecisions.Verify(judged, 1, false, " 1.2 is thin ", "vic.verifier", "192.0.2.9", Now)[^1]));
        Assert.Equal("1.2 is thin", done.Latest!.Verification!.Comment);
        Assert.Equal(RefusalKind.Conflict, Assert.Throws<RefusedException>(() => SubmissionDecisions.Verify(done, 1, true, null, "other.verifier", "192.0.2.9", Now)).Kind);
    }

    [Fact]
    public void The_rule_samples_every_judgement_with_a_criterion_not_met_and_each_assessors_first_other_judgement()
    {
        Assert.Equal(EvidenceSamplingRule.NotEveryCriterionMet, EvidenceSamplingRule.Reason(Judged(allMet: false), assessorsOthersSampled: 5));
        Assert.Equal("one in 10 of ann.assessor's other judgements", EvidenceSamplingRule.Reason(Judged(allMet: true), assessorsOthersSampled: 0));
        var drawn = Enumerable.Range(0, 1_000)
            .Count(_ => EvidenceSamplingRule.Reason(Judged(true) with { SubmissionId = Guid.NewGuid() }, assessorsOthersSampled: 1) is not null);
        Assert.InRange(drawn, 60, 140);
    }
}
