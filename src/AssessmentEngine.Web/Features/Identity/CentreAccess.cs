using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>The claims a signed-in person carries: who they are and which roles they hold at which centres.</summary>
public static class EngineClaims
{
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string SignInName = "ae:signin";
    public const string Membership = "ae:membership";   // "{role}:{centreId}"
    public const string ValidatedAt = "ae:validated";
    public const string Stamp = "ae:stamp";
    public const string Session = "ae:session";         // this sign-in on this browser: signing out ends it and no other
    public const string Operator = "ae:operator";
    public const string Author = "ae:author";           // an awarding body's bank this person writes

    /// <summary>The claims of a session: a new one unless <paramref name="session"/> names the session they are refreshed for.</summary>
    public static ClaimsPrincipal For(UserAccount account, string scheme, DateTimeOffset now, string? session = null)
    {
        var claims = new List<Claim>
        {
            new(UserId, account.Id.ToString()),
            new(ClaimTypes.Name, account.DisplayName),
            new(SignInName, account.SignInName),
            new(ValidatedAt, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(Session, session ?? Guid.NewGuid().ToString("N")),
        };
        claims.AddRange(account.Memberships.SelectMany(m => m.Roles.Select(role => new Claim(Membership, $"{role.Name()}:{m.CentreId}"))));
        claims.Add(new Claim(Stamp, account.SecurityStamp ?? ""));
        if (account.Operator)
        {
            claims.Add(new Claim(Operator, "true"));
        }

        claims.AddRange((account.AuthorFor ?? []).Select(owner => new Claim(Author, owner)));

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// Whether a session with these claims may go on: the account exists, is not locked, its password has not changed since,
    /// and this session was not signed out (<paramref name="endedSessions"/>). A session without an id dates from before
    /// signing out ended sessions on the server, so nothing could end it: it is refused, and the person signs in again.
    /// </summary>
    public static bool SessionHolds(this ClaimsPrincipal user, UserAccount? account, IReadOnlySet<string> endedSessions, DateTimeOffset now) =>
        account is not null && !account.IsLockedOut(now) && (user.FindFirstValue(Stamp) ?? "") == (account.SecurityStamp ?? "")
        && user.SessionId() is { Length: > 0 } session && !endedSessions.Contains(session);

    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(Session);

    /// <summary>Whether the claims still say what the account says (roles, operator, password stamp).</summary>
    public static bool Matches(this ClaimsPrincipal user, UserAccount account) =>
        user.FindFirstValue(Stamp) == (account.SecurityStamp ?? "")
        && user.IsOperator() == account.Operator
        && user.AuthorFor().Order(StringComparer.Ordinal).SequenceEqual((account.AuthorFor ?? []).Order(StringComparer.Ordinal))
        && user.Memberships().Order().SequenceEqual(account.Memberships.SelectMany(m => m.Roles.Select(r => (r, m.CentreId))).Order());

    public static bool IsOperator(this ClaimsPrincipal user) => user.FindFirstValue(Operator) == "true";

    public static IEnumerable<string> AuthorFor(this ClaimsPrincipal user) => user.FindAll(Author).Select(claim => claim.Value);

    public static Guid Id(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(UserId), out var id) ? id : throw new InvalidOperationException("not signed in");

    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(SignInName) ?? "anonymous";

    public static IEnumerable<(Role Role, Guid CentreId)> Memberships(this ClaimsPrincipal user)
    {
        foreach (var claim in user.FindAll(Membership))
        {
            var parts = claim.Value.Split(':', 2);
            if (parts.Length == 2 && Roles.TryParse(parts[0], out var role) && Guid.TryParse(parts[1], out var centre))
            {
                yield return (role, centre);
            }
        }
    }

    public static bool Holds(this ClaimsPrincipal user, Role role, Guid centreId) =>
        user.Memberships().Any(m => m.Role == role && m.CentreId == centreId);

    public static bool HoldsAnywhere(this ClaimsPrincipal user, Role role) => user.Memberships().Any(m => m.Role == role);

    public static IReadOnlyList<Guid> CentresWhere(this ClaimsPrincipal user, Role role) =>
        user.Memberships().Where(m => m.Role == role).Select(m => m.CentreId).Distinct().ToList();
}

/// <summary>
/// Holds one of <see cref="Roles"/>: at the centre named by the route's {centreId} when there is one, else at any centre.
/// Object-level checks (this attempt, this sitting) are made by the slice that loads the object.
/// </summary>
public sealed record CentreRoleRequirement(IReadOnlyList<Role> Roles) : IAuthorizationRequirement;

internal sealed class CentreRoleHandler : AuthorizationHandler<CentreRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CentreRoleRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var routeCentre = http?.GetRouteValue("centreId")?.ToString();
        var allowed = routeCentre is null
            ? requirement.Roles.Any(context.User.HoldsAnywhere)
            : Guid.TryParse(routeCentre, out var centre) && requirement.Roles.Any(role => context.User.Holds(role, centre));
        if (allowed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The named policies. Every endpoint and hub method names one of these, or allows anonymous callers explicitly.</summary>
public static class Policies
{
    public const string Admin = "role:admin";
    public const string Tutor = "role:tutor";
    public const string Invigilator = "role:invigilator";
    public const string Assessor = "role:assessor";
    public const string Verifier = "role:verifier";
    public const string ExternalVerifier = "role:externalverifier";
    public const string Moderator = "moderator";   // the centre's internal verifiers and its external verifier: the moderation workbook
    public const string Candidate = "role:candidate";
    public const string Staff = "staff";
    public const string SignedIn = "signed-in";
    public const string Operator = "operator";
    public const string Author = "author";         // writes a bank: a tutor at a centre, or an awarding body's author
    public const string BankReader = "bank-reader"; // may open the bank pages; each unit then checks BankAccess

    public static string For(Role role) => "role:" + role.Name();

    public static AuthorizationBuilder AddEnginePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in Roles.All)
        {
            builder.AddPolicy(For(role), policy => policy.RequireAuthenticatedUser().AddRequirements(new CentreRoleRequirement([role])));
        }

        builder.AddPolicy(Staff, policy => policy.RequireAuthenticatedUser()
            .AddRequirements(new CentreRoleRequirement(Roles.CentreStaff)));
        builder.AddPolicy(Moderator, policy => policy.RequireAuthenticatedUser().AddRequirements(new CentreRoleRequirement([Role.Verifier, Role.ExternalVerifier])));
        builder.AddPolicy(SignedIn, policy => policy.RequireAuthenticatedUser());
        builder.AddPolicy(Operator, policy => policy.RequireAuthenticatedUser().RequireClaim(EngineClaims.Operator, "true"));
        builder.AddPolicy(Author, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.HoldsAnywhere(Role.Tutor) || context.User.AuthorFor().Any()));
        builder.AddPolicy(BankReader, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.AuthorFor().Any() || new[] { Role.Tutor, Role.Assessor, Role.Verifier }.Any(context.User.HoldsAnywhere)));
        // Anything that forgets to name a policy is refused rather than left open.
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
