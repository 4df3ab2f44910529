using AssessmentEngine.Web.Infrastructure;
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
            (account, code) = Secrets.WithResetCode(
                new UserAccount(Guid.CreateVersion7(), name, string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(), null, [], Operator: true), now);
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
        string? number, string? name, string? timeZone, IReadOnlyCollection<string>? units, string? officerEmail, string? officerName, Acting acting,
        CancellationToken cancellationToken = default)
    {
        if (CentreRegistry.StaffProblem(officerEmail, officerName, [Role.Admin]) is { } problem)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The first exam officer: {problem}");
        }

        IReadOnlyList<string> offered;
        await using (var query = store.QuerySession())
        {
            offered = await OfferableAsync(query, units ?? [], cancellationToken);
        }

        var centre = await CreateAsync(number, name, timeZone, offered, acting, cancellationToken);
        var (officer, code) = await InviteExamOfficerAsync(centre.Id, officerEmail, officerName, acting, cancellationToken);
        return (centre, officer, code);
    }

    private async Task<Centre> CreateAsync(string? number, string? name, string? timeZone, IReadOnlyList<string> offered, Acting acting, CancellationToken cancellationToken)
    {
        number = number?.Trim().ToUpperInvariant() ?? "";
        name = name?.Trim() ?? "";
        timeZone = string.IsNullOrWhiteSpace(timeZone) ? Centre.DefaultTimeZone : timeZone.Trim();
        if (!CentreNumber().IsMatch(number))
        {
            throw new RefusedException(RefusalKind.Invalid, "Enter the centre number the awarding body gave the centre: 3 to 12 letters and digits.");
        }

        if (name.Length is 0 or > 100)
        {
            throw new RefusedException(RefusalKind.Invalid, "Enter the centre's name (at most 100 characters).");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw new RefusedException(RefusalKind.Invalid, $"'{timeZone}' is not a time zone this server knows; use a name such as Europe/London.");
        }

        await using var session = store.LightweightSession();
        if (await session.Query<Centre>().AnyAsync(c => c.Number == number, cancellationToken))
        {
            throw new RefusedException(RefusalKind.Invalid, $"There is already a centre with the number {number}.");
        }

        var centre = new Centre(Guid.CreateVersion7(), name, number, timeZone, OfferedUnits: offered);
        session.Insert(centre);
        Audit.Record(session, new CentreCreated(centre.Id, centre.Number, centre.Name, centre.TimeZone, acting.Actor, acting.SourceAddress, time.GetUtcNow()));
        if (offered.Count > 0)
        {
            Audit.Record(session, new CentreSettingChanged(centre.Id, "units offered", string.Join(", ", offered), acting.Actor, acting.SourceAddress, time.GetUtcNow()));
        }
        await SaveAsync(session, $"There is already a centre with the number {number}.", cancellationToken);
        return centre;
    }

    /// <summary>Offers a unit of an awarding body's bank to a centre, or stops offering it (candidates already enrolled keep their enrolment).</summary>
    public async Task<Centre> OfferUnitAsync(Guid centreId, string? unitCode, bool offer, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var code = (await OfferableAsync(session, [unitCode ?? ""], cancellationToken)).Single();
        var before = centre.OfferedUnits ?? [];
        var offered = Toggled(before, code, offer);
        if (offered.SequenceEqual(before))
        {
            return centre;
        }

        centre = centre with { OfferedUnits = offered };
        session.Store(centre);
        Audit.Record(session, new CentreSettingChanged(centre.Id, "units offered", offered.Count == 0 ? "none" : string.Join(", ", offered), acting.Actor,
            acting.SourceAddress, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return centre;
    }

    /// <summary>Makes a member of staff an author of an awarding body's item bank, or withdraws it; takes effect at their next request.</summary>
    public async Task<UserAccount> SetAuthoringAsync(string? email, string? awardingBody, bool grant, Acting acting, CancellationToken cancellationToken = default)
    {
        var name = Email(email ?? "");
        var body = awardingBody?.Trim() ?? "";
        if (body.Length is 0 or > BankOwners.MaximumNameLength)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Enter the awarding body's name as its units give it (at most {BankOwners.MaximumNameLength} characters), such as SQA.");
        }

        await using var session = store.LightweightSession();
        var account = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken)
            ?? throw new RefusedException(RefusalKind.NotFound, $"There is no account with the email {name}; invite them to a centre first, or appoint them with ./ae operator create.");
        var owner = BankOwners.ForAwardingBody(body);
        var before = account.AuthorFor ?? [];
        var authorFor = Toggled(before, owner, grant);
        if (authorFor.SequenceEqual(before))
        {
            return account;
        }

        account = account with { AuthorFor = authorFor };
        session.Store(account);
        Audit.Record(session, new AuthoringChanged(account.Id, account.SignInName, owner, grant, acting.Actor, acting.SourceAddress, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        current.Forget(account.Id);
        return account;
    }

    /// <summary>
    /// Makes someone the awarding body's external verifier of a centre, or withdraws it; takes effect at their next request.
    /// Someone with no account yet gets one, with a one-time code to choose their password (as a centre's new staff do);
    /// the centre's own roles of an account are left as they are.
    /// </summary>
    public async Task<(UserAccount Account, string? Code)> SetExternalVerifierAsync(string? email, string? displayName, Guid centreId, bool grant, Acting acting,
        CancellationToken cancellationToken = default)
    {
        var name = Email(email ?? "");
        if (displayName?.Trim().Length > 100)
        {
            throw new RefusedException(RefusalKind.Invalid, "Enter the person's name (at most 100 characters).");
        }

        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var centre = await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        var existing = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken);
        if (existing is null && !grant)
        {
            throw new RefusedException(RefusalKind.NotFound, $"There is no account with the email {name}.");
        }

        string? code = null;
        UserAccount account;
        if (existing is null)
        {
            (account, code) = Secrets.WithResetCode(new UserAccount(Guid.CreateVersion7(), name, string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(), null,
                [new Membership(centre.Id, [Role.ExternalVerifier])]), now);
            session.Insert(account);
        }
        else
        {
            if (existing.Holds(Role.ExternalVerifier, centre.Id) == grant)
            {
                return (existing, null);
            }

            var roles = existing.Memberships.Where(m => m.CentreId == centre.Id).SelectMany(m => m.Roles).Where(r => r != Role.ExternalVerifier)
                .Concat(grant ? [Role.ExternalVerifier] : []).Order().ToList();
            account = existing with
            {
                Memberships = [.. existing.Memberships.Where(m => m.CentreId != centre.Id), .. roles.Count > 0 ? [new Membership(centre.Id, roles)] : Array.Empty<Membership>()],
            };
            session.Store(account);
        }

        Audit.Record(session, grant
            ? new ExternalVerifierGranted(account.Id, account.SignInName, centre.Id, acting.Actor, acting.SourceAddress, now)
            : new ExternalVerifierWithdrawn(account.Id, account.SignInName, centre.Id, acting.Actor, acting.SourceAddress, now));
        await SaveAsync(session, $"{name} was created by someone else at the same time; try again.", cancellationToken);
        current.Forget(account.Id);
        return (account, code);
    }

    /// <summary>The list with the value added (or taken out), in order, each once.</summary>
    private static List<string> Toggled(IEnumerable<string> list, string value, bool add) =>
        (add ? list.Append(value) : list.Where(v => v != value)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The unit codes, each an awarding body's unit in the bank (a centre's own bank is offered only to it).</summary>
    private static async Task<IReadOnlyList<string>> OfferableAsync(IQuerySession session, IReadOnlyCollection<string> codes, CancellationToken cancellationToken)
    {
        var wanted = codes.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (codes.Count > 0 && wanted.Length == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Choose a unit.");
        }

        var units = (await session.LoadManyAsync<ItemBank.BankUnit>(cancellationToken, wanted)).ToDictionary(u => u.Id, StringComparer.Ordinal);
        foreach (var code in wanted)
        {
            if (!units.TryGetValue(code, out var unit))
            {
                throw new RefusedException(RefusalKind.NotFound, $"There is no unit {code} in the item bank; import it first (./ae itembank import).");
            }

            if (!BankOwners.IsAwardingBody(unit.OwnerId))
            {
                throw new RefusedException(RefusalKind.Invalid, $"{code} is a centre's own bank: it is sat only at that centre.");
            }
        }

        return wanted.Order(StringComparer.Ordinal).ToList();
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
            ?? throw new RefusedException(RefusalKind.NotFound, $"There is no account with the email {name}.");
        var (reset, code) = Secrets.WithResetCode(account, now);
        session.Store(reset);
        Identity.SigningIn.SignInThrottle.ForgetAll(session, account.SignInName); // its waits end too
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
            : throw new RefusedException(RefusalKind.Invalid, $"'{(trimmed.Length > 60 ? trimmed[..60] + "…" : trimmed)}' is not an email address.");
    }

    private static async Task SaveAsync(IDocumentSession session, string duplicate, CancellationToken cancellationToken)
    {
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DocumentAlreadyExistsException or MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: "23505" } })
        {
            throw new RefusedException(RefusalKind.Invalid, duplicate);
        }
    }

    [GeneratedRegex("^[A-Z0-9]{3,12}$", RegexOptions.CultureInvariant)]
    private static partial Regex CentreNumber();
}
