using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Sittings;

public sealed class SittingService(IDocumentStore store, TimeProvider time)
{
    /// <summary>Schedules a sitting of a unit's test; a bank that cannot serve the blueprint is refused now, not mid-test.</summary>
    public async Task<Sitting> ScheduleAsync(Guid centreId, string unitCode, string? room, DateTimeOffset startsAt, int durationMinutes,
        IReadOnlyList<Guid> invigilatorIds, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var unit = await session.UnitAsync(unitCode, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, $"There is no unit {unitCode} in the item bank.");
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        if (!centre.Offers((await session.LoadAsync<BankUnit>(unitCode, cancellationToken))!))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{centre.Name} does not offer {unitCode}; the platform operator offers units to centres.");
        }
        var blueprint = unit.Blueprints.Count > 0 ? unit.Blueprints[0] : null;
        if (blueprint is not null && Feasibility.Check(unit, blueprint with { Occasions = 1 }, DateOnly.FromDateTime(startsAt.UtcDateTime)) is { Count: > 0 } shortfalls)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The bank for {unitCode} cannot serve its test on that day: {string.Join("; ", shortfalls.Select(s => s.Describe(blueprint)))}");
        }

        var accounts = await session.LoadManyAsync<UserAccount>(cancellationToken, invigilatorIds.ToArray());
        if (accounts.Count != invigilatorIds.Distinct().Count() || accounts.Any(a => !a.Holds(Role.Invigilator, centreId)))
        {
            throw new RefusedException(RefusalKind.Invalid, "Every invigilator must hold the invigilator role at this centre.");
        }

        var scheduled = SittingDecisions.Schedule(Guid.CreateVersion7(), centreId, unitCode, blueprint?.Id, room, startsAt, durationMinutes,
            invigilatorIds, acting.Actor, time.GetUtcNow());
        var code = new AccessCodeIssued(scheduled.SittingId, AccessCodes.New(), acting.Actor, scheduled.ScheduledAt);
        session.Start<Sitting>(scheduled.SittingId, scheduled, code);
        await session.SaveChangesAsync(cancellationToken);
        return Sitting.Create(scheduled).Apply(code);
    }

    /// <summary>Books candidates: every one or, when any is refused, none (the refusals say who and why).</summary>
    public async Task<int> BookAsync(Guid centreId, Guid sittingId, IReadOnlyCollection<Guid> candidateIds, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Sitting>(sittingId, cancellationToken);
        if (stream.Aggregate is not { } sitting || sitting.CentreId != centreId)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such sitting at this centre.");
        }

        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var candidates = await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds.ToArray());
        var ids = candidates.Select(c => c.Id).ToArray();
        var enrolments = (await session.Query<Enrolment>().Where(e => e.UnitCode == sitting.UnitCode && e.CandidateId.IsOneOf(ids)).ToListAsync(cancellationToken))
            .ToDictionary(e => e.CandidateId);
        var refusals = new List<string>();
        var events = new List<object>();
        var now = time.GetUtcNow();
        foreach (var candidate in candidates.OrderBy(c => c.CandidateNumber, StringComparer.Ordinal))
        {
            if (!enrolments.TryGetValue(candidate.Id, out var enrolment))
            {
                refusals.Add($"{candidate.Name} ({candidate.CandidateNumber}) is not enrolled on {sitting.UnitCode}.");
                continue;
            }

            try
            {
                events.AddRange(SittingDecisions.Book(sitting, candidate, enrolment, centre.Zone, acting.Actor, now));
            }
            catch (RefusedException refused)
            {
                refusals.Add(refused.Message);
            }
        }

        if (candidates.Count != candidateIds.Distinct().Count())
        {
            refusals.Add("Some of the chosen candidates do not exist.");
        }

        if (refusals.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Nobody was booked. " + string.Join(" ", refusals));
        }

        stream.AppendMany(events);
        await session.SaveChangesAsync(cancellationToken);
        return events.Count;
    }
}
