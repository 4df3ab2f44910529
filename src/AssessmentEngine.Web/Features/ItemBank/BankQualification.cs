using AssessmentEngine.ItemBank;

namespace AssessmentEngine.Web.Features.ItemBank;

/// <summary>A qualification as last imported with the bank (itembank/qualifications/*.md), by its code.</summary>
public sealed record BankQualification(string Id, Qualification Definition, DateTimeOffset ImportedAt)
{
    public string Code => Id;

    public static BankQualification From(Qualification qualification, DateTimeOffset at) => new(qualification.Code, qualification, at);

    /// <summary>Whether the definition differs, ignoring when it was imported.</summary>
    public bool SameDefinitionAs(BankQualification other) =>
        System.Text.Json.JsonSerializer.Serialize(Definition) == System.Text.Json.JsonSerializer.Serialize(other.Definition);
}
