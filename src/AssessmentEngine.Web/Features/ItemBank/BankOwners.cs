using System.Security.Claims;
using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>
/// Whose bank a unit is: an awarding body's ("body:SQA"), whose authors the platform operator names, or a centre's own
/// ("centre:{id}"), written by that centre's tutors.
/// </summary>
public static class BankOwners
{
    private const string BodyPrefix = "body:";
    private const string CentrePrefix = "centre:";
    public const int MaximumNameLength = 100;

    public static string ForAwardingBody(string name) => BodyPrefix + name.Trim();

    public static string ForCentre(Guid centreId) => CentrePrefix + centreId;

    public static bool IsAwardingBody(string owner) => owner.StartsWith(BodyPrefix, StringComparison.Ordinal);

    /// <summary>How an owner is named to people: the awarding body's name, or the centre's own bank.</summary>
    public static string Describe(string owner, IReadOnlyCollection<Centre>? centres = null)
    {
        if (IsAwardingBody(owner))
        {
            return owner[BodyPrefix.Length..];
        }

        var centre = centres?.FirstOrDefault(c => ForCentre(c.Id) == owner);
        return centre is null ? "another centre's own bank" : $"{centre.Name}'s own bank";
    }

    /// <summary>The owners whose units this person may publish, revise and retire: the bodies they author for and the centres where they tutor.</summary>
    public static IReadOnlySet<string> WritableBy(ClaimsPrincipal user) =>
        user.AuthorFor().Concat(user.CentresWhere(Role.Tutor).Select(ForCentre)).ToHashSet(StringComparer.Ordinal);
}

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
