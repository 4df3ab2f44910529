using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Sittings.Scheduling;

/// <summary>Schedules a sitting of a unit's test; a bank that cannot serve the blueprint is refused now, not mid-test.</summary>
public sealed class ScheduleSitting(IDocumentStore store, TimeProvider time)
{
    public async Task<Sitting> HandleAsync(Guid centreId, string unitCode, string? room, DateTimeOffset startsAt, int durationMinutes,
        IReadOnlyList<Guid> invigilatorIds, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var unit = await session.UnitAsync(unitCode, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, $"There is no unit {unitCode} in the item bank.");
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var bankUnit = (await session.LoadAsync<BankUnit>(unitCode, cancellationToken))!;
        if (!centre.Offers(bankUnit))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{centre.Name} does not offer {unitCode}; the platform operator offers units to centres.");
        }

        var blueprint = unit.Blueprints.Count > 0 ? unit.Blueprints[0] : null;
        // A unit assessed by a supervised assignment rather than a test: the sitting runs the assignment's brief, for no
        // longer than its time limit.
        var assignment = blueprint is null ? bankUnit.Assignment() : null;
        if (assignment is { TimeLimitMinutes: { } limit } && durationMinutes > limit)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The assignment for {unitCode} takes at most {limit} minutes; give the sitting {limit} minutes or fewer.");
        }

        if (blueprint is not null && Feasibility.Check(unit, blueprint with { Occasions = 1 }, DateOnly.FromDateTime(startsAt.UtcDateTime)) is { Count: > 0 } shortfalls)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The bank for {unitCode} cannot serve its test on that day: {string.Join("; ", shortfalls.Select(s => s.Describe(blueprint)))}");
        }

        var accounts = await session.LoadManyAsync<UserAccount>(cancellationToken, invigilatorIds.ToArray());
        if (accounts.Count != invigilatorIds.Distinct().Count() || accounts.Any(a => !a.Holds(Role.Invigilator, centreId)))
        {
            throw new RefusedException(RefusalKind.Invalid, "Every invigilator must hold the invigilator role at this centre.");
        }

        var scheduled = SittingDecisions.Schedule(Guid.CreateVersion7(), centreId, unitCode, blueprint?.Id ?? assignment?.Id, room, startsAt, durationMinutes,
            invigilatorIds, acting.Actor, time.GetUtcNow());
        var code = new AccessCodeIssued(scheduled.SittingId, AccessCodes.New(), acting.Actor, scheduled.ScheduledAt);
        session.Start<Sitting>(scheduled.SittingId, scheduled, code);
        await session.SaveChangesAsync(cancellationToken);
        return Sitting.Create(scheduled).Apply(code);
    }
}
