using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Evidence;

/// <summary>Counting a judged version for another unit of its candidate: given the submission's events, when the assessor counts it, then the event or a refusal. No database.</summary>
public sealed class EvidenceCrossReferencingDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Centre = Guid.NewGuid();
    private static readonly Guid Candidate = Guid.NewGuid();
    private static readonly string[] Unit8 = ["8.1.1", "8.1.2", "8.1.3", "8.2.1"];
    private static readonly Enrolment On8 = new(Guid.NewGuid(), Candidate, Centre, "F04E 04", null, null, false, 1);

    private static Submission Submitted()
    {
        var file = new EvidenceFile(Guid.NewGuid(), "case study.docx", EvidenceKind.Docx, 9, "", 1_200, ScanState.Clean);
        return Submission.Create(new EvidenceFileAdded(Id, Guid.NewGuid(), Candidate, Centre, "F05T 04", "brief", file, "candidate", Now))
            .Apply(new EvidenceSubmitted(Id, Centre, 1, [file.Id], new BriefRevision("brief", "hash", "Brief", ""), SubmissionDecisions.Declaration, "candidate", "192.0.2.1", Now));
    }

    private static Submission Judged() => Submitted().Apply(new EvidenceJudged(Id, Centre, 1, [new("7.1.1", true, "")], "Feedback", "ann.assessor", "192.0.2.1", Now));

    private static RefusedException Refused(Submission submission, Enrolment? enrolment, string[] statements, string? comment = "Shows the policies checked.") =>
        Assert.Throws<RefusedException>(() => SubmissionDecisions.CrossReference(submission, 1, enrolment, Unit8, statements, comment, "ann.assessor", "192.0.2.1", Now));

    [Fact]
    public void A_judged_version_counts_for_the_statements_of_another_unit_in_the_units_order_and_a_later_count_for_that_unit_replaces_the_earlier()
    {
        var counted = SubmissionDecisions.CrossReference(Judged(), 1, On8, Unit8, ["8.2.1", "8.1.1", "8.1.1"], " Shows the policies checked. ", "ann.assessor", "192.0.2.1", Now);
        Assert.Equal((On8.Id, "F04E 04", "Shows the policies checked."), (counted.EnrolmentId, counted.UnitCode, counted.Comment));
        Assert.Equal(["8.1.1", "8.2.1"], counted.Statements);
        var again = counted with { Statements = ["8.1.3"] };
        Assert.Equal(["8.1.3"], Assert.Single(Judged().Apply(counted).Apply(again).CrossReferences).Statements);
    }

    [Fact]
    public void Counting_is_refused_for_an_unjudged_version_a_stranger_enrolment_its_own_unit_and_statements_the_unit_lacks()
    {
        Assert.Equal(RefusalKind.Conflict, Refused(Submitted(), On8, ["8.1.1"]).Kind);
        Assert.Contains("not enrolled on that unit", Refused(Judged(), null, ["8.1.1"]).Message, StringComparison.Ordinal);
        Assert.Contains("at another centre", Refused(Judged(), On8 with { CentreId = Guid.NewGuid() }, ["8.1.1"]).Message, StringComparison.Ordinal);
        Assert.Contains("another candidate's", Refused(Judged(), On8 with { CandidateId = Guid.NewGuid() }, ["8.1.1"]).Message, StringComparison.Ordinal);
        Assert.Contains("its own unit", Refused(Judged(), On8 with { UnitCode = "F05T 04" }, ["8.1.1"]).Message, StringComparison.Ordinal);
        Assert.Equal("Unit F04E 04 has no statement 7.1.1.", Refused(Judged(), On8, ["8.1.1", "7.1.1"]).Message);
        Assert.Contains("Tick the statements", Refused(Judged(), On8, []).Message, StringComparison.Ordinal);
        Assert.Contains("a comment is needed", Refused(Judged(), On8, ["8.1.1"], "  ").Message, StringComparison.Ordinal);
    }
}
