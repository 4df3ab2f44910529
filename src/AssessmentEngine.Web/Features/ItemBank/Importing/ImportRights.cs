using System.Security.Claims;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.ItemBank.Importing;

/// <summary>
/// Whose units an import may write. The platform (the command line, the demo seed) writes any unit and gives a new one
/// to its awarding body; a person writes only the units of the owners they author for, and a new unit goes to the owner
/// they chose (or their only one).
/// </summary>
public sealed record ImportRights(IReadOnlySet<string>? Owners, string? NewUnitOwner)
{
    public static readonly ImportRights Platform = new(null, null);

    public static ImportRights For(ClaimsPrincipal user, string? chosenOwner)
    {
        var owners = BankOwners.WritableBy(user);
        var chosen = string.IsNullOrWhiteSpace(chosenOwner) ? (owners.Count == 1 ? owners.Single() : null) : chosenOwner;
        if (chosen is not null && !owners.Contains(chosen))
        {
            throw new RefusedException(RefusalKind.Invalid, "You do not author for the bank you chose; nothing was imported.");
        }

        return new ImportRights(owners, chosen);
    }

    public bool MayWrite(string owner) => Owners is null || Owners.Contains(owner);

    public string OwnerOfNew(Unit unit) =>
        Owners is null ? BankOwners.ForAwardingBody(unit.AwardingBody)
        : NewUnitOwner ?? throw new RefusedException(RefusalKind.Invalid,
            $"Unit {unit.Code} is new: choose whose bank it belongs to (you author for more than one); nothing was imported.");
}
