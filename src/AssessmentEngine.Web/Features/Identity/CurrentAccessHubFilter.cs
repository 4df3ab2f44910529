using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>
/// Every hub call checks the caller's account as it stands (see <see cref="CurrentAccounts"/>), as every request does:
/// a connection opened before the account was removed, locked or given a new password is refused and closed.
/// Object-level checks (this sitting, this attempt) stay with the feature.
/// </summary>
public sealed class CurrentAccessHubFilter(CurrentAccounts accounts, TimeProvider time) : IHubFilter
{
    public const string SessionEnded = "Your session has ended (your account was changed or signed out elsewhere). Sign in again.";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = invocationContext.Context.User;
        var account = user is not null && Guid.TryParse(user.FindFirstValue(EngineClaims.UserId), out var id)
            ? await accounts.GetAsync(id, invocationContext.Context.ConnectionAborted)
            : null;
        if (user is null || !user.SessionHolds(account, time.GetUtcNow()))
        {
            invocationContext.Context.Abort();
            throw new HubException(SessionEnded);
        }

        return await next(invocationContext);
    }
}
