using AssessmentEngine.ItemBank;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>A unit as last imported: its codes, outcomes, statements, assessment policy and test blueprints.</summary>
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
    DateTimeOffset ImportedAt)
{
    public string UnitCode => Id;

    public static BankUnit From(Unit unit, DateTimeOffset at) =>
        new(unit.Code, unit.Folder, unit.Title, unit.AwardingBody, unit.Level, unit.Aliases, unit.Policy, unit.Outcomes, unit.Blueprints, at);

    /// <summary>Whether the definition differs, ignoring when it was imported.</summary>
    public bool SameDefinitionAs(BankUnit other) =>
        System.Text.Json.JsonSerializer.Serialize(this with { ImportedAt = default }) ==
        System.Text.Json.JsonSerializer.Serialize(other with { ImportedAt = default });
}
