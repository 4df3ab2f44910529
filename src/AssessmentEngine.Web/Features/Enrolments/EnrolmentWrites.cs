using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Enrolments;

/// <summary>The write path for enrolments: fetch for writing, decide, append, save; and schedule each window's close.</summary>
public sealed class EnrolmentWrites(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time)
{
    /// <summary>Decides on an enrolment at this centre (given the centre's zone and the time) and returns it as it now stands.</summary>
    public async Task<Enrolment> DecideAsync(Guid centreId, Guid enrolmentId, Func<Enrolment, TimeZoneInfo, DateTimeOffset, object> decide, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Enrolment>(enrolmentId, cancellationToken);
        if (stream.Aggregate is not { } enrolment || enrolment.CentreId != centreId)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such enrolment at this centre.");
        }

        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var decided = decide(enrolment, centre.Zone, time.GetUtcNow());
        stream.AppendOne(decided);
        await session.SaveChangesAsync(cancellationToken);

        var updated = decided switch
        {
            WindowAgreed agreed => enrolment.Apply(agreed),
            WindowExtended extended => enrolment.Apply(extended),
            ReassessmentArranged arranged => enrolment.Apply(arranged),
            _ => enrolment,
        };
        if (decided is WindowAgreed or WindowExtended)
        {
            // At the exact close; the minutely sweep catches it if this job is ever lost.
            jobs.Schedule<CloseWindowsJob>(job => job.CloseAsync(enrolmentId, CancellationToken.None), updated.Window!.Closes);
        }

        return updated;
    }
}
