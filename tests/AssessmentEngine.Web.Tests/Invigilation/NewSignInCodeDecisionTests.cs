using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Invigilation;

/// <summary>Given a sitting and a candidate's account, when an invigilator asks for a new sign-in code, then the account and the fact, or a refusal: no database.</summary>
public sealed class NewSignInCodeDecisionTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 10, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid CentreId = Guid.NewGuid();
    private const string Code = "K7QX-M2PD-R9TA";

    private static (Sitting Sitting, Candidate Candidate, UserAccount Account) BookedCandidate()
    {
        var account = new UserAccount(Guid.NewGuid(), "700001/C0001", "Candidate C0001", null, [new Membership(CentreId, [Role.Candidate])]);
        var candidate = new Candidate(Guid.NewGuid(), CentreId, "C0001", "Candidate", "C0001", new DateOnly(2000, 1, 1), Adjustments.None, account.Id);
        var sitting = Sitting.Create(new SittingScheduled(Guid.NewGuid(), CentreId, "FE6V 35", "t", "Room 9", Now, 60, [Guid.NewGuid()], "officer", Now.AddDays(-1)))
            .Apply(new CandidateBooked(Guid.Empty, candidate.Id, Guid.NewGuid(), 0, "officer", Now.AddDays(-1)));
        return (sitting, candidate, account);
    }

    private static RefusedException Refused(Sitting sitting, Candidate? candidate, UserAccount? account, int recent = 0) =>
        Assert.Throws<RefusedException>(() => InvigilationDecisions.NewSignInCode(sitting, candidate, account, recent, Code, "invigilator", "192.0.2.5", Now));

    [Fact]
    public void A_booked_candidate_gets_a_code_that_signs_in_once_today_and_the_fact_names_who_for_whom_and_from_where()
    {
        var (sitting, candidate, account) = BookedCandidate();

        var (changed, issued) = InvigilationDecisions.NewSignInCode(sitting, candidate, account, IssueSignInCode.PerSittingPerMinute - 1, Code, "invigilator", "192.0.2.5", Now);

        Assert.True(Secrets.CodeMatches(changed, "k7qx m2pd r9ta", OneTimeCodePurpose.CandidateSignIn, Now.AddHours(11)));
        Assert.False(Secrets.CodeMatches(changed, Code, OneTimeCodePurpose.CandidateSignIn, Now.AddHours(13)));
        Assert.Equal(new CandidateSignInCodeReissued(sitting.Id, candidate.Id, "C0001", CentreId, "invigilator", "192.0.2.5", Now), issued);
        Assert.Equal(account with { OneTimeCodeHash = null, OneTimeCodeExpires = null, OneTimeCodePurpose = null }, changed with { OneTimeCodeHash = null, OneTimeCodeExpires = null, OneTimeCodePurpose = null });
    }

    [Fact]
    public void A_candidate_not_booked_on_the_sitting_or_of_another_centre_is_refused()
    {
        var (sitting, candidate, account) = BookedCandidate();

        Assert.Contains("not booked on this sitting", Refused(sitting, candidate with { Id = Guid.NewGuid() }, account).Message, StringComparison.Ordinal);
        Assert.Contains("not booked on this sitting", Refused(sitting, candidate with { CentreId = Guid.NewGuid() }, account).Message, StringComparison.Ordinal);
        Assert.Contains("not booked on this sitting", Refused(sitting, candidate, account with { Id = Guid.NewGuid() }).Message, StringComparison.Ordinal);
        Assert.Contains("not booked on this sitting", Refused(sitting, null, null).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_holding_more_than_the_candidate_role_is_left_to_the_exam_officer()
    {
        var (sitting, candidate, account) = BookedCandidate();

        foreach (var more in new[]
                 {
                     account with { Memberships = [new Membership(CentreId, [Role.Candidate, Role.Admin])] },
                     account with { Memberships = [.. account.Memberships, new Membership(Guid.NewGuid(), [Role.Candidate])] },
                     account with { Operator = true },
                 })
        {
            Assert.Contains("only the exam officer", Refused(sitting, candidate, more).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void After_the_sitting_ended_or_past_the_limit_a_minute_it_is_refused()
    {
        var (sitting, candidate, account) = BookedCandidate();

        Assert.Contains("has ended", Refused(sitting.Apply(new SittingEnded(sitting.Id, "invigilator", Now)), candidate, account).Message, StringComparison.Ordinal);
        Assert.Contains("wait a minute", Refused(sitting, candidate, account, IssueSignInCode.PerSittingPerMinute).Message, StringComparison.Ordinal);
    }
}
