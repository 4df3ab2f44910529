using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>
/// A person's account as it stands now, read for every request and hub call so that a removed role, a locked account or
/// a changed password takes effect at once. Held for a few seconds per node (so a page of requests costs one read), and
/// dropped on this node the moment the account changes here; another node sees the change within <see cref="HeldFor"/>.
/// </summary>
public sealed class CurrentAccounts(IDocumentStore store, IMemoryCache cache)
{
    public static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(5);

    public async Task<UserAccount?> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(Key(userId), out UserAccount? held))
        {
            return held;
        }

        await using var session = store.QuerySession();
        var account = await session.LoadAsync<UserAccount>(userId, cancellationToken);
        cache.Set(Key(userId), account, HeldFor);
        return account;
    }

    /// <summary>Called after the account was changed on this node: the next request reads it afresh.</summary>
    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid userId) => $"account:{userId}";
}

/// <summary>Told when someone loses a role at a centre, so that what they have open (a live dashboard) can say so.</summary>
public interface IAccessWithdrawn
{
    Task WithdrawnAsync(Guid userId, Guid centreId, IReadOnlyList<Role> lost, CancellationToken cancellationToken);
}
