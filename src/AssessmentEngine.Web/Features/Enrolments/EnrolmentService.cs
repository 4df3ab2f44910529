using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Hangfire;
using Marten;

namespace AssessmentEngine.Web.Features.Enrolments;

/// <summary>The write path for enrolments: fetch for writing, decide, append, save; and schedule each window's close.</summary>
public sealed class EnrolmentService(IDocumentStore store, IBackgroundJobClient jobs, TimeProvider time)
{
    /// <summary>Enrols candidates of a centre on a unit; one already enrolled on it is left as they are. All or nothing.</summary>
    public async Task<int> EnrolAsync(Guid centreId, string unitCode, IReadOnlyCollection<Guid> candidateIds, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var unit = await session.LoadAsync<BankUnit>(unitCode, cancellationToken)
            ?? throw new RefusedException(RefusalKind.NotFound, $"There is no unit {unitCode} in the item bank.");
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        if (!centre.Offers(unit))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{centre.Name} does not offer {unitCode}; the platform operator offers units to centres.");
        }
        if (candidateIds.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose at least one candidate to enrol.");
        }

        var candidates = await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds.ToArray());
        var strangers = candidateIds.Except(candidates.Where(c => c.CentreId == centreId).Select(c => c.Id)).Count();
        if (strangers > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"{strangers} of the chosen candidates are not registered at this centre; nobody was enrolled.");
        }

        var already = (await session.Query<Enrolment>().Where(e => e.CentreId == centreId && e.UnitCode == unitCode).Select(e => e.CandidateId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = time.GetUtcNow();
        var enrolled = 0;
        foreach (var candidate in candidates.Where(c => !already.Contains(c.Id)))
        {
            var id = Guid.CreateVersion7();
            session.Start<Enrolment>(id, new CandidateEnrolled(id, candidate.Id, centreId, unitCode, unit.Policy.WindowWeeks, acting.Actor, now));
            enrolled++;
        }

        await session.SaveChangesAsync(cancellationToken);
        return enrolled;
    }

    public Task<Enrolment> AgreeWindowAsync(Guid centreId, Guid enrolmentId, DateOnly start, string agreedWith, Acting acting, CancellationToken cancellationToken = default) =>
        DecideAsync(centreId, enrolmentId, (enrolment, zone, now) => EnrolmentDecisions.AgreeWindow(enrolment, start, zone, agreedWith, acting.Actor, now), cancellationToken);

    public Task<Enrolment> ExtendWindowAsync(Guid centreId, Guid enrolmentId, DateOnly lastDay, string? reason, Acting acting, CancellationToken cancellationToken = default) =>
        DecideAsync(centreId, enrolmentId, (enrolment, zone, now) => EnrolmentDecisions.ExtendWindow(enrolment, lastDay, zone, reason, acting.Actor, now), cancellationToken);

    public Task<Enrolment> ArrangeReassessmentAsync(Guid centreId, Guid enrolmentId, string? reason, Acting acting, CancellationToken cancellationToken = default) =>
        DecideAsync(centreId, enrolmentId, (enrolment, _, now) => EnrolmentDecisions.ArrangeReassessment(enrolment, reason, acting.Actor, now), cancellationToken);

    private async Task<Enrolment> DecideAsync(Guid centreId, Guid enrolmentId, Func<Enrolment, TimeZoneInfo, DateTimeOffset, object> decide, CancellationToken cancellationToken)
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
