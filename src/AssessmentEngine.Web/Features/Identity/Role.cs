namespace AssessmentEngine.Web.Features.Identity;

/// <summary>What a person may do at a centre. A person may hold several roles at several centres.</summary>
public enum Role
{
    Admin,
    Tutor,
    Invigilator,
    Assessor,
    Verifier,
    Candidate,

    /// <summary>The awarding body's external verifier of a centre: granted and withdrawn by the platform operator only, never by the centre.</summary>
    ExternalVerifier,
}

public static class Roles
{
    public static readonly IReadOnlyList<Role> All = Enum.GetValues<Role>();

    /// <summary>The roles a centre's exam officer gives and takes: not a candidate's (registration gives it), nor the external verifier's (the operator's).</summary>
    public static readonly IReadOnlyList<Role> CentreStaff = [.. All.Where(r => r is not Role.Candidate and not Role.ExternalVerifier)];

    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Role role) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out role) && Enum.IsDefined(role);

    /// <summary>Where each role starts after signing in.</summary>
    public static string HomePath(this Role role) => role switch
    {
        Role.Admin => "/admin",
        Role.Tutor => "/tutor",
        Role.Invigilator => "/invigilate",
        Role.Assessor => "/assess",
        Role.Verifier => "/verify",
        Role.Candidate => "/candidate",
        Role.ExternalVerifier => "/external",
        _ => "/",
    };

    public static string Title(this Role role) => role switch
    {
        Role.Admin => "Exam officer",
        Role.Tutor => "Tutor",
        Role.Invigilator => "Invigilator",
        Role.Assessor => "Assessor",
        Role.Verifier => "Internal verifier",
        Role.Candidate => "Candidate",
        Role.ExternalVerifier => "External verifier",
        _ => role.ToString(),
    };
}
