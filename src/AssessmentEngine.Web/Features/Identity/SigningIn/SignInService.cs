using System.Security.Claims;
using Marten;

namespace AssessmentEngine.Web.Features.Identity.SigningIn;

public abstract record SignInOutcome
{
    public sealed record Succeeded(UserAccount Account) : SignInOutcome;

    public sealed record Refused(string Message) : SignInOutcome;
}

/// <summary>
/// Checks a sign-in and records it. Failures count towards a lockout; the message never says whether the
/// name exists, so sign-in cannot be used to find out who is registered.
/// </summary>
public sealed class SignInService(IDocumentStore store, TimeProvider time, CurrentAccounts current)
{
    public const int FailuresBeforeLockout = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
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

        if (account is null)
        {
            Audit.Record(session, new SignInFailed(UnknownSubject(name), Truncate(name), "no such account", [], source, now));
            await session.SaveChangesAsync(cancellationToken);
            return new SignInOutcome.Refused(NotRecognised);
        }

        if (account.IsLockedOut(now))
        {
            Audit.Record(session, new SignInFailed(account.Id, account.SignInName, "locked out", CentresOf(account), source, now));
            await session.SaveChangesAsync(cancellationToken);
            return new SignInOutcome.Refused(LockedMessage(account.LockedUntil!.Value, now));
        }

        if (!proves(account))
        {
            var failures = account.FailedSignIns + 1;
            var locked = failures >= FailuresBeforeLockout;
            var updated = account with { FailedSignIns = locked ? 0 : failures, LockedUntil = locked ? now + LockoutDuration : account.LockedUntil };
            session.Store(updated);
            Audit.Record(session, new SignInFailed(account.Id, account.SignInName, $"wrong {method}", CentresOf(account), source, now));
            if (locked)
            {
                Audit.Record(session, new AccountLockedOut(account.Id, account.SignInName, updated.LockedUntil!.Value, CentresOf(account), source, now));
            }

            await session.SaveChangesAsync(cancellationToken);
            current.Forget(account.Id);
            return new SignInOutcome.Refused(locked ? LockedMessage(updated.LockedUntil!.Value, now) : NotRecognised);
        }

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

    private static string LockedMessage(DateTimeOffset until, DateTimeOffset now)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));
        return $"Too many failed sign-ins: this account is locked for {minutes} more minute(s). An exam officer can reset it.";
    }

    internal static IReadOnlyList<Guid> CentresOf(UserAccount account) => account.Memberships.Select(m => m.CentreId).Distinct().ToList();

    private static string Truncate(string name) => name.Length <= 100 ? name : name[..100] + "…";

    // Failed sign-ins for names nobody holds still need a stream; derive one from the name.
    private static Guid UnknownSubject(string name) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("unknown-sign-in/" + name.ToLowerInvariant())).AsSpan(0, 16));
}
