using System.Security.Claims;

namespace AssessmentEngine.Web.Features.Identity;

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
