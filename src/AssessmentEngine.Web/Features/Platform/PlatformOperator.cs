using JasperFx;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using Marten;
using Marten.Exceptions;

namespace AssessmentEngine.Web.Features.Platform;

/// <summary>What the platform operator does above every centre: appoint operators, create centres, invite each centre's first exam officer.</summary>
public sealed partial class PlatformOperator(IDocumentStore store, CentreRegistry registry, CurrentAccounts current, TimeProvider time)
{
    /// <summary>
    /// Makes someone a platform operator. A new account gets a one-time code (stored hashed, valid 24 hours) with which
    /// they choose their password; an existing one keeps its password and gets no code.
    /// </summary>
    public async Task<(UserAccount Account, string? Code)> AppointOperatorAsync(string email, string? displayName, Acting acting, CancellationToken cancellationToken = default)
    {
        var name = Email(email);
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var existing = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken);
        string? code = null;
        UserAccount account;
        if (existing is not null)
        {
            account = existing with { Operator = true };
            session.Store(account);
        }
        else
        {
            account = new UserAccount(Guid.CreateVersion7(), name, string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(), null, [], Operator: true);
            code = Secrets.NewOneTimeCode();
            account = account with
            {
                OneTimeCodeHash = Secrets.HashCode(account.Id, code),
                OneTimeCodeExpires = now + SignInService.PasswordResetCodeLifetime,
                OneTimeCodePurpose = OneTimeCodePurpose.PasswordReset,
            };
            session.Insert(account);
        }

        Audit.Record(session, new OperatorAppointed(account.Id, account.SignInName, acting.Actor, acting.SourceAddress, now));
        await SaveAsync(session, $"{name} was created by someone else at the same time; run the command again.", cancellationToken);
        current.Forget(account.Id);
        return (account, code);
    }

    /// <summary>
    /// Creates a centre (its awarding-body number, unique; its name; the time zone its windows and sittings are in) and
    /// invites its first exam officer. Everything is checked before anything is written.
    /// </summary>
    public async Task<(Centre Centre, UserAccount Officer, string Code)> CreateCentreAsync(
        string? number, string? name, string? timeZone, string? officerEmail, string? officerName, Acting acting, CancellationToken cancellationToken = default)
    {
        if (CentreRegistry.StaffProblem(officerEmail, officerName, [Role.Admin]) is { } problem)
        {
            throw new RegistryRefusedException($"The first exam officer: {problem}");
        }

        var centre = await CreateAsync(number, name, timeZone, acting, cancellationToken);
        var (officer, code) = await InviteExamOfficerAsync(centre.Id, officerEmail, officerName, acting, cancellationToken);
        return (centre, officer, code);
    }

    private async Task<Centre> CreateAsync(string? number, string? name, string? timeZone, Acting acting, CancellationToken cancellationToken)
    {
        number = number?.Trim().ToUpperInvariant() ?? "";
        name = name?.Trim() ?? "";
        timeZone = string.IsNullOrWhiteSpace(timeZone) ? Centre.DefaultTimeZone : timeZone.Trim();
        if (!CentreNumber().IsMatch(number))
        {
            throw new RegistryRefusedException("Enter the centre number the awarding body gave the centre: 3 to 12 letters and digits.");
        }

        if (name.Length is 0 or > 100)
        {
            throw new RegistryRefusedException("Enter the centre's name (at most 100 characters).");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw new RegistryRefusedException($"'{timeZone}' is not a time zone this server knows; use a name such as Europe/London.");
        }

        await using var session = store.LightweightSession();
        if (await session.Query<Centre>().AnyAsync(c => c.Number == number, cancellationToken))
        {
            throw new RegistryRefusedException($"There is already a centre with the number {number}.");
        }

        var centre = new Centre(Guid.CreateVersion7(), name, number, timeZone);
        session.Insert(centre);
        Audit.Record(session, new CentreCreated(centre.Id, centre.Number, centre.Name, centre.TimeZone, acting.Actor, acting.SourceAddress, time.GetUtcNow()));
        await SaveAsync(session, $"There is already a centre with the number {number}.", cancellationToken);
        return centre;
    }

    /// <summary>
    /// Invites a centre's exam officer: a new person gets the code with which they choose a password; someone who already
    /// has an account gets an invitation to accept after signing in (no code).
    /// </summary>
    public Task<(UserAccount Account, string Code)> InviteExamOfficerAsync(Guid centreId, string? email, string? displayName, Acting acting, CancellationToken cancellationToken = default) =>
        registry.AddStaffAsync(centreId, email ?? "", displayName ?? "", [Role.Admin], acting, cancellationToken);

    /// <summary>
    /// A reset code for a member of staff's account, which the operator sends them as a link: for accounts no single
    /// centre may reset (someone who works at several centres, or an operator). Candidates are their centre's to reset.
    /// </summary>
    public async Task<(UserAccount Account, string Code)> IssueResetAsync(string email, Acting acting, CancellationToken cancellationToken = default)
    {
        var name = Email(email);
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var account = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken)
            ?? throw new RegistryRefusedException($"There is no account with the email {name}.");
        var code = Secrets.NewOneTimeCode();
        session.Store(account with
        {
            OneTimeCodeHash = Secrets.HashCode(account.Id, code),
            OneTimeCodeExpires = now + SignInService.PasswordResetCodeLifetime,
            OneTimeCodePurpose = OneTimeCodePurpose.PasswordReset,
            LockedUntil = null,
            FailedSignIns = 0,
        });
        foreach (var centreId in SignInService.CentresOf(account).DefaultIfEmpty(Guid.Empty))
        {
            Audit.Record(session, new PasswordResetCodeIssued(account.Id, account.SignInName, centreId, acting.Actor, acting.SourceAddress, now));
        }

        await session.SaveChangesAsync(cancellationToken);
        current.Forget(account.Id);
        return (account, code);
    }

    /// <summary>Where a new person goes with their code: the page that sets their password, filled in for them.</summary>
    public static string InvitationLink(string baseUrl, UserAccount account, string code) =>
        $"{baseUrl.TrimEnd('/')}/reset-password?name={Uri.EscapeDataString(account.SignInName)}&code={Uri.EscapeDataString(code)}";

    private static string Email(string email)
    {
        var trimmed = email.Trim();
        return trimmed.Length is > 3 and <= 200 && trimmed.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < trimmed.Length - 1 && !trimmed.Contains(' ', StringComparison.Ordinal)
            ? SignInNames.ForStaff(trimmed)
            : throw new RegistryRefusedException($"'{(trimmed.Length > 60 ? trimmed[..60] + "…" : trimmed)}' is not an email address.");
    }

    private static async Task SaveAsync(IDocumentSession session, string duplicate, CancellationToken cancellationToken)
    {
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DocumentAlreadyExistsException or MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: "23505" } })
        {
            throw new RegistryRefusedException(duplicate);
        }
    }

    [GeneratedRegex("^[A-Z0-9]{3,12}$", RegexOptions.CultureInvariant)]
    private static partial Regex CentreNumber();
}
