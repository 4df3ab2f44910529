using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>
/// Roles at a centre offered to someone who already has an account. Until they accept it, after signing in as
/// themselves, they hold nothing there; once accepted, withdrawn or expired it is gone (the audit events keep the story).
/// </summary>
public sealed record Invitation(Guid Id, Guid UserId, Guid CentreId, IReadOnlyList<Role> Roles, string InvitedBy, DateTimeOffset SentAt, DateTimeOffset Expires)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>One invitation at a time per person and centre: a second replaces the first.</summary>
    public static Guid IdFor(Guid userId, Guid centreId) => NameBasedId.For($"invitation/{userId}/{centreId}");

    public bool IsOpen(DateTimeOffset now) => Expires > now;
}
