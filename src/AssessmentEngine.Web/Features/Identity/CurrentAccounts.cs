using System.Security.Claims;
using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>
/// A person's account as it stands now, with the sessions of theirs that were signed out, read for every request and hub
/// call so that a removed role, a locked account, a changed password or a sign-out takes effect at once. Held for a few
/// seconds per node (so a page of requests costs one read), and dropped on this node the moment the account changes or a
/// session signs out here; another node sees the change within <see cref="HeldFor"/>.
/// </summary>
public sealed class CurrentAccounts(IDocumentStore store, IMemoryCache cache, TimeProvider time)
{
    public static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(5);

    public async Task<UserAccount?> GetAsync(Guid userId, CancellationToken cancellationToken = default) =>
        (await HeldAsync(userId, cancellationToken)).Account;

    /// <summary>The account behind a signed-in person's session, or null when the session may not go on (see <see cref="EngineClaims.SessionHolds"/>).</summary>
    public async Task<UserAccount?> ForSessionAsync(ClaimsPrincipal? user, CancellationToken cancellationToken = default)
    {
        if (user is null || !Guid.TryParse(user.FindFirstValue(EngineClaims.UserId), out var userId))
        {
            return null;
        }

        var held = await HeldAsync(userId, cancellationToken);
        return user.SessionHolds(held.Account, held.EndedSessions, time.GetUtcNow()) ? held.Account : null;
    }

    /// <summary>Called after the account was changed, or one of its sessions signed out, on this node: the next request reads it afresh.</summary>
    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private async Task<Held> HeldAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(userId), out Held? held) && held is not null)
        {
            return held;
        }

        await using var session = store.QuerySession();
        var batch = session.CreateBatchQuery();
        var account = batch.Load<UserAccount>(userId);
        var since = time.GetUtcNow() - EndedSession.KeptFor;
        var ended = batch.Query<EndedSession>().Where(e => e.UserId == userId && e.EndedAt > since).ToList();
        await batch.Execute(cancellationToken);
        held = new Held(await account, (await ended).Select(e => e.Id).ToHashSet(StringComparer.Ordinal));
        cache.Set(Key(userId), held, HeldFor);
        return held;
    }

    private sealed record Held(UserAccount? Account, IReadOnlySet<string> EndedSessions);

    private static string Key(Guid userId) => $"account:{userId}";
}

/// <summary>
/// A session that was signed out (its id is the session claim's): a copy of its cookie is refused from then on. Kept for
/// <see cref="KeptFor"/>, longer than any cookie of the session can live: a cookie lasts <see cref="IdentitySetup.SessionLifetime"/>
/// from its last renewal, and none is renewed after the sign-out (the margin covers another node that has not heard of
/// it yet, and nodes' clocks).
/// </summary>
public sealed record EndedSession(string Id, Guid UserId, DateTimeOffset EndedAt)
{
    public static readonly TimeSpan KeptFor = IdentitySetup.SessionLifetime + TimeSpan.FromHours(2);
}

/// <summary>Told when someone loses a role at a centre, so that what they have open (a live dashboard) can say so.</summary>
public interface IAccessWithdrawn
{
    Task WithdrawnAsync(Guid userId, Guid centreId, IReadOnlyList<Role> lost, CancellationToken cancellationToken);
}
