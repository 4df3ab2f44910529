using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence;

/// <summary>Another unit a candidate is enrolled on at the same centre, which a piece of their evidence may also count for.</summary>
public sealed record OtherUnit(Enrolment Enrolment, BankUnit Unit)
{
    /// <summary>The unit's statements, in the unit's order.</summary>
    public IReadOnlyList<string> Statements => Unit.Outcomes.SelectMany(o => o.Statements).Select(s => s.Reference).Distinct().ToList();
}

public static class OtherUnits
{
    /// <summary>The candidate's units at the centre other than <paramref name="unitCode"/>, in unit order.</summary>
    public static async Task<IReadOnlyList<OtherUnit>> OfAsync(IQuerySession session, Guid candidateId, Guid centreId, string unitCode, CancellationToken cancellationToken)
    {
        var enrolments = await session.Query<Enrolment>()
            .Where(e => e.CandidateId == candidateId && e.CentreId == centreId && e.UnitCode != unitCode).ToListAsync(cancellationToken);
        var units = (await session.LoadManyAsync<BankUnit>(cancellationToken, enrolments.Select(e => e.UnitCode).Distinct().ToArray())).ToDictionary(u => u.Id);
        return enrolments.Where(e => units.ContainsKey(e.UnitCode)).Select(e => new OtherUnit(e, units[e.UnitCode]))
            .OrderBy(o => o.Unit.Id, StringComparer.Ordinal).ToList();
    }
}
