using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>
/// Every hub call checks the caller's account as it stands (see <see cref="CurrentAccounts"/>), as every request does:
/// a connection opened before the account was removed, locked or given a new password, or before its session signed out,
/// is refused and closed.
/// Object-level checks (this sitting, this attempt) stay with the feature.
/// </summary>
public sealed class CurrentAccessHubFilter(CurrentAccounts accounts) : IHubFilter
{
    public const string SessionEnded = "Your session has ended (your account was changed or signed out elsewhere). Sign in again.";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (await accounts.ForSessionAsync(invocationContext.Context.User, invocationContext.Context.ConnectionAborted) is null)
        {
            invocationContext.Context.Abort();
            throw new HubException(SessionEnded);
        }

        return await next(invocationContext);
    }
}
