using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Attempts;

public sealed class AttemptProjection : SingleStreamProjection<Attempt, Guid>
{
    public static Attempt Create(CandidateCheckedIn checkedIn) => Attempt.Create(checkedIn);

    public static Attempt Apply(CandidateAdmitted admitted, Attempt attempt) => attempt.Apply(admitted);

    public static Attempt Apply(AdmissionRefused refused, Attempt attempt) => attempt.Apply(refused);

    public static Attempt Apply(AttemptStarted started, Attempt attempt) => attempt.Apply(started);

    public static Attempt Apply(AttemptOpened opened, Attempt attempt) => attempt.Apply(opened);

    public static Attempt Apply(AnswerSaved saved, Attempt attempt) => attempt.Apply(saved);

    public static Attempt Apply(ItemFlagged flagged, Attempt attempt) => attempt.Apply(flagged);

    public static Attempt Apply(AnswerRefused refused, Attempt attempt) => attempt.Apply(refused);

    public static Attempt Apply(AttemptSubmitted submitted, Attempt attempt) => attempt.Apply(submitted);

    public static Attempt Apply(TimeOverrunLogged logged, Attempt attempt) => attempt.Apply(logged);

    public static Attempt Apply(AttemptPaused paused, Attempt attempt) => attempt.Apply(paused);

    public static Attempt Apply(AttemptResumed resumed, Attempt attempt) => attempt.Apply(resumed);

    public static Attempt Apply(TimeExtended extended, Attempt attempt) => attempt.Apply(extended);

    public static Attempt Apply(AttemptVoided voided, Attempt attempt) => attempt.Apply(voided);

    public static Attempt Apply(ItemAutoMarked marked, Attempt attempt) => attempt.Apply(marked);

    // The provisional result is recomputed from the marks whenever it is shown; the event keeps what was said at submission.
    public static Attempt Apply(ProvisionalResultRecorded recorded, Attempt attempt) => attempt;

    public static Attempt Apply(ItemMarked marked, Attempt attempt) => attempt.Apply(marked);

    public static Attempt Apply(AssessmentDecisionRecorded decided, Attempt attempt) => attempt.Apply(decided);

    public static Attempt Apply(SampledForVerification sampled, Attempt attempt) => attempt.Apply(sampled);

    public static Attempt Apply(VerificationRecorded verified, Attempt attempt) => attempt.Apply(verified);
}

public static class AttemptStore
{
    public static StoreOptions ConfigureAttempts(this StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(CandidateCheckedIn), typeof(CandidateAdmitted), typeof(AdmissionRefused), typeof(AttemptStarted), typeof(AttemptOpened),
            typeof(AnswerSaved), typeof(ItemFlagged), typeof(AnswerRefused), typeof(AttemptSubmitted), typeof(ItemAutoMarked),
            typeof(ProvisionalResultRecorded), typeof(TimeOverrunLogged), typeof(AttemptPaused), typeof(AttemptResumed), typeof(TimeExtended),
            typeof(AttemptVoided),
            typeof(ItemMarked), typeof(AssessmentDecisionRecorded), typeof(SampledForVerification), typeof(VerificationRecorded)]);
        // Inline: whether an attempt is under way decides what the window's close and the time-up job do.
        options.Projections.Add<AttemptProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<Admitting.IssuedFormProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Admitting.IssuedForm>().Index(f => f.SittingId);
        options.Schema.For<Attempt>()
            .Index(a => a.EnrolmentId)
            .Index(a => a.SittingId)
            .Index(a => a.CandidateId)
            .Index(a => a.Status)
            .Index(a => a.CentreId);
        return options;
    }
}
