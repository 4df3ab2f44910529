using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Sittings.BookingCandidates;

/// <summary>Books candidates: every one or, when any is refused, none (the refusals say who and why).</summary>
public sealed class BookCandidates(IDocumentStore store, TimeProvider time)
{
    public async Task<int> HandleAsync(Guid centreId, Guid sittingId, IReadOnlyCollection<Guid> candidateIds, Acting acting, CancellationToken cancellationToken = default)
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
