using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>
/// What a person may read of the bank. Answer keys and marking guidance are read by the owner's authors and by the
/// assessors and verifiers of centres that offer the unit; nobody else.
/// </summary>
public sealed class BankAccess
{
    private readonly IReadOnlySet<string> _writable;
    private readonly IReadOnlyList<Centre> _assessingCentres;

    private BankAccess(IReadOnlySet<string> writable, IReadOnlyList<Centre> assessingCentres)
    {
        _writable = writable;
        _assessingCentres = assessingCentres;
    }

    public IReadOnlyList<string> Owners => _writable.Order(StringComparer.Ordinal).ToList();

    public static async Task<BankAccess> ForAsync(IQuerySession session, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ids = user.CentresWhere(Role.Assessor).Concat(user.CentresWhere(Role.Verifier)).Distinct().ToArray();
        var centres = ids.Length == 0 ? [] : await session.LoadManyAsync<Centre>(cancellationToken, ids);
        return new BankAccess(BankOwners.WritableBy(user), centres.ToList());
    }

    public bool MayWrite(BankUnit unit) => _writable.Contains(unit.OwnerId);

    public bool MayRead(BankUnit unit) => MayWrite(unit) || _assessingCentres.Any(centre => centre.Offers(unit));
}
