using System.Security.Claims;
using Marten;

namespace AssessmentEngine.Web.Features.Identity.SigningIn;

public abstract record SignInOutcome
{
    public sealed record Succeeded(UserAccount Account) : SignInOutcome;

    public sealed record Refused(string Message) : SignInOutcome;
}

/// <summary>
/// Checks a sign-in and records it. Failures slow down the address they come from for that name, with growing waits
/// (<see cref="SignInThrottle"/>); they never lock the account, so nobody can keep a person out from elsewhere. The
/// message never says whether the name exists, so sign-in cannot be used to find out who is registered.
/// </summary>
public sealed class SignInService(IDocumentStore store, TimeProvider time, CurrentAccounts current)
{
    /// <summary>Failures from one address for one name before that address must wait.</summary>
    public const int FreeFailures = 3;
    public static readonly TimeSpan PasswordResetCodeLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan CandidateCodeLifetime = TimeSpan.FromDays(7);
    public const string NotRecognised = "That sign-in name and password (or code) do not match an account. Check them and try again.";

    public Task<SignInOutcome> WithPasswordAsync(string signInName, string password, string source, CancellationToken cancellationToken = default) =>
        CheckAsync(signInName, source, "password", account => Secrets.PasswordMatches(account, password), consumeCode: false, cancellationToken);

    public Task<SignInOutcome> WithCandidateCodeAsync(string signInName, string code, string source, CancellationToken cancellationToken = default) =>
        CheckAsync(signInName, source, "one-time code",
            account => Secrets.CodeMatches(account, code, OneTimeCodePurpose.CandidateSignIn, time.GetUtcNow()), consumeCode: true, cancellationToken);

    /// <summary>Sets a new password with a reset code an admin issued; the code works once.</summary>
    public async Task<SignInOutcome> ResetPasswordAsync(string signInName, string code, string newPassword, string source, CancellationToken cancellationToken = default)
    {
        if (Secrets.PasswordProblem(newPassword) is { } problem)
        {
            return new SignInOutcome.Refused(problem);
        }

        var outcome = await CheckAsync(signInName, source, "password reset code",
            account => Secrets.CodeMatches(account, code, OneTimeCodePurpose.PasswordReset, time.GetUtcNow()), consumeCode: true, cancellationToken);
        if (outcome is not SignInOutcome.Succeeded { Account: var account })
        {
            return outcome;
        }

        await using var session = store.LightweightSession();
        // A new stamp: every session signed in before the change ends at its next request (the one setting it starts anew).
        var changed = account with { PasswordHash = Secrets.HashPassword(account, newPassword), SecurityStamp = Secrets.NewStamp() };
        session.Store(changed);
        Audit.Record(session, new PasswordChanged(account.Id, account.SignInName, "reset code", CentresOf(account), source, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        current.Forget(account.Id);
        return new SignInOutcome.Succeeded(changed);
    }

    /// <summary>
    /// Ends this session of the person's, on every node: its cookie, and any copy of it, is refused from the next request
    /// (at once on this node, within <see cref="CurrentAccounts.HeldFor"/> on another). Their sessions on other computers
    /// go on: signing out of a shared exam-room computer should not sign an invigilator out of the dashboard on their own.
    /// </summary>
    public async Task EndSessionAsync(ClaimsPrincipal user, string source, CancellationToken cancellationToken = default)
    {
        if (user.SessionId() is not { Length: > 0 } sessionId || !Guid.TryParse(user.FindFirstValue(EngineClaims.UserId), out var userId))
        {
            return;
        }

        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store(new EndedSession(sessionId, userId, now));
        var forgotten = now - EndedSession.KeptFor;
        session.DeleteWhere<EndedSession>(e => e.UserId == userId && e.EndedAt < forgotten);
        Audit.Record(session, new SignedOut(userId, user.Actor(), user.Memberships().Select(m => m.CentreId).Distinct().ToList(), source, now));
        await session.SaveChangesAsync(cancellationToken);
        current.Forget(userId);
    }

    private async Task<SignInOutcome> CheckAsync(
        string signInName, string source, string method, Func<UserAccount, bool> proves, bool consumeCode, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var name = signInName.Trim();
        await using var session = store.LightweightSession();
        var account = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken);
        var throttleId = SignInThrottle.IdFor(Truncate(name), source);
        var throttle = await session.LoadAsync<SignInThrottle>(throttleId, cancellationToken) ?? new SignInThrottle(throttleId, Truncate(name).ToLowerInvariant(), 0, null);
        var subject = account?.Id ?? UnknownSubject(name);
        var centres = account is null ? [] : CentresOf(account);

        // This address must wait before trying this name again: the password is not even checked.
        if (throttle.WaitUntil is { } waitUntil && waitUntil > now)
        {
            Audit.Record(session, new SignInFailed(subject, account?.SignInName ?? Truncate(name), "waiting after failed sign-ins", centres, source, now));
            await session.SaveChangesAsync(cancellationToken);
            return new SignInOutcome.Refused(WaitMessage(waitUntil, now));
        }

        // An account an exam officer has locked stays locked; it is told like a wrong password, saying nothing more.
        if (account is null || account.IsLockedOut(now) || !proves(account))
        {
            var failures = throttle.Failures + 1;
            var wait = SignInThrottle.WaitAfter(failures);
            session.Store(throttle with { Failures = failures, WaitUntil = wait > TimeSpan.Zero ? now + wait : null });
            var reason = account is null ? "no such account" : account.IsLockedOut(now) ? "locked out" : $"wrong {method}";
            Audit.Record(session, new SignInFailed(subject, account?.SignInName ?? Truncate(name), reason, centres, source, now));
            await session.SaveChangesAsync(cancellationToken);
            return new SignInOutcome.Refused(failures > FreeFailures ? WaitMessage(now + wait, now) : NotRecognised);
        }

        session.Delete<SignInThrottle>(throttleId);

        var signedIn = account with
        {
            FailedSignIns = 0,
            LockedUntil = null,
            OneTimeCodeHash = consumeCode ? null : account.OneTimeCodeHash,
            OneTimeCodeExpires = consumeCode ? null : account.OneTimeCodeExpires,
            OneTimeCodePurpose = consumeCode ? null : account.OneTimeCodePurpose,
        };
        session.Store(signedIn);
        Audit.Record(session, new SignedIn(account.Id, account.SignInName, method, CentresOf(account), source, now));
        await session.SaveChangesAsync(cancellationToken);
        return new SignInOutcome.Succeeded(signedIn);
    }

    private static string WaitMessage(DateTimeOffset until, DateTimeOffset now)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds));
        return $"Too many failed sign-ins from here with that name: wait {seconds} second(s) and try again. An exam officer or invigilator can give you a new code.";
    }

    internal static IReadOnlyList<Guid> CentresOf(UserAccount account) => account.Memberships.Select(m => m.CentreId).Distinct().ToList();

    private static string Truncate(string name) => name.Length <= 100 ? name : name[..100] + "…";

    // Failed sign-ins for names nobody holds still need a stream; derive one from the name.
    private static Guid UnknownSubject(string name) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("unknown-sign-in/" + name.ToLowerInvariant())).AsSpan(0, 16));
}
