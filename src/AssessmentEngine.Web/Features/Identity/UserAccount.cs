namespace AssessmentEngine.Web.Features.Identity;

/// <summary>A role held at a centre.</summary>
public sealed record Membership(Guid CentreId, IReadOnlyList<Role> Roles);

/// <summary>
/// Someone who signs in. Staff sign in with their email; candidates with their centre number and candidate
/// number (<see cref="SignInNames.ForCandidate"/>). Security-relevant changes are also recorded as audit events.
/// <paramref name="Operator"/>: the platform operator, above every centre (creates centres, watches the jobs).
/// <paramref name="AuthorFor"/>: the awarding bodies' banks (owner ids, see BankOwners) this person writes, named by the operator.
/// <paramref name="SecurityStamp"/>: changes when the password does; a session made before the change ends.
/// </summary>
public sealed record UserAccount(
    Guid Id,
    string SignInName,
    string DisplayName,
    string? PasswordHash,
    IReadOnlyList<Membership> Memberships,
    int FailedSignIns = 0,
    DateTimeOffset? LockedUntil = null,
    string? OneTimeCodeHash = null,
    DateTimeOffset? OneTimeCodeExpires = null,
    OneTimeCodePurpose? OneTimeCodePurpose = null,
    bool Operator = false,
    string? SecurityStamp = null,
    IReadOnlyList<ExternalLogin>? ExternalLogins = null,
    IReadOnlyList<string>? AuthorFor = null)
{
    public bool Holds(Role role, Guid centreId) =>
        Memberships.Any(m => m.CentreId == centreId && m.Roles.Contains(role));

    public bool HoldsAnywhere(Role role) => Memberships.Any(m => m.Roles.Contains(role));

    public IEnumerable<Guid> CentresWhere(Role role) => Memberships.Where(m => m.Roles.Contains(role)).Select(m => m.CentreId);

    public IEnumerable<Role> AllRoles => Memberships.SelectMany(m => m.Roles).Distinct().Order();

    public bool IsLockedOut(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>An identity provider's person linked to this account at their first single sign-on: only they sign in through it.</summary>
public sealed record ExternalLogin(string Issuer, string Subject, DateTimeOffset LinkedAt);

public enum OneTimeCodePurpose
{
    /// <summary>Issued by an admin: lets the holder choose a new password.</summary>
    PasswordReset,

    /// <summary>Printed by the centre for a candidate: signs in once.</summary>
    CandidateSignIn,
}

public static class SignInNames
{
    public static string ForStaff(string email) => email.Trim().ToLowerInvariant();

    public static string ForCandidate(string centreNumber, string candidateNumber) =>
        $"{centreNumber.Trim().ToUpperInvariant()}/{candidateNumber.Trim().ToUpperInvariant()}";
}
