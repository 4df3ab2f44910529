using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>A unit as last imported: its codes, outcomes, statements, assessment policy, test blueprints, how it is assessed and its briefs.</summary>
/// <paramref name="Owner"/>: whose bank it is (<see cref="BankOwners"/>); a unit imported before owners existed belongs to its awarding body.
/// <paramref name="Methods"/> and <paramref name="Briefs"/>: null on a unit imported before units said how they are assessed.
public sealed record BankUnit(
    string Id,
    string Folder,
    string Title,
    string AwardingBody,
    string Level,
    IReadOnlyList<string> Aliases,
    UnitPolicy Policy,
    IReadOnlyList<Outcome> Outcomes,
    IReadOnlyList<Blueprint> Blueprints,
    DateTimeOffset ImportedAt,
    string? Owner = null,
    IReadOnlyList<AssessmentMethod>? Methods = null,
    IReadOnlyList<Brief>? Briefs = null)
{
    public string UnitCode => Id;

    public string OwnerId => Owner ?? BankOwners.ForAwardingBody(AwardingBody);

    public static BankUnit From(Unit unit, string owner, DateTimeOffset at) =>
        new(unit.Code, unit.Folder, unit.Title, unit.AwardingBody, unit.Level, unit.Aliases, unit.Policy, unit.Outcomes, unit.Blueprints, at, owner,
            unit.Methods, unit.Briefs);

    /// <summary>
    /// The supervised assignment a sitting of this unit runs when its test id names one (a brief of the assignment
    /// method, with a time limit) rather than a blueprint; null for a test.
    /// </summary>
    public Brief? Assignment(string? testId) =>
        Briefs?.FirstOrDefault(b => b.Id == testId && b.Method == AssessmentMethod.Assignment && b.TimeLimitMinutes is not null);

    /// <summary>The unit's supervised assignment, when it is assessed by one.</summary>
    public Brief? Assignment() => Briefs?.FirstOrDefault(b => b.Method == AssessmentMethod.Assignment && b.TimeLimitMinutes is not null);

    /// <summary>Whether the definition differs, ignoring when it was imported.</summary>
    public bool SameDefinitionAs(BankUnit other) =>
        System.Text.Json.JsonSerializer.Serialize(this with { ImportedAt = default }) ==
        System.Text.Json.JsonSerializer.Serialize(other with { ImportedAt = default });
}

public static class CentreOffers
{
    /// <summary>Whether the centre's candidates may be enrolled on the unit and sit it: the operator offers it, or it is the centre's own bank's.</summary>
    public static bool Offers(this Centre centre, BankUnit unit) => centre.Offers(unit.Id, unit.OwnerId);
}
