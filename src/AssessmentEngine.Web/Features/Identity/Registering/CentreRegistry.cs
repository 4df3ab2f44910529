using AssessmentEngine.Web.Infrastructure;
using JasperFx;
using Marten;
using Marten.Exceptions;

namespace AssessmentEngine.Web.Features.Identity.Registering;

/// <summary>Who did something, from where: recorded on every change.</summary>
public sealed record Acting(string Actor, string SourceAddress);

/// <summary>Registering candidates and staff at a centre, their roles, adjustments and one-time codes.</summary>
public sealed class CentreRegistry(IDocumentStore store, TimeProvider time, CurrentAccounts current, IEnumerable<IAccessWithdrawn> withdrawn)
{
    public async Task<Centre> CentreAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Centre>(centreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
    }

    public async Task<IReadOnlySet<string>> RegisteredNumbersAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var numbers = await session.Query<Candidate>().Where(c => c.CentreId == centreId).Select(c => c.CandidateNumber).ToListAsync(cancellationToken);
        return numbers.ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Registers every row or none. Candidates get no password: they sign in with a printed code, then may set one.</summary>
    public async Task<IReadOnlyList<Candidate>> RegisterCandidatesAsync(Guid centreId, IReadOnlyList<CandidateRow> rows, string from, Acting acting, CancellationToken cancellationToken = default)
    {
        var centre = await CentreAsync(centreId, cancellationToken);
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var candidates = new List<Candidate>(rows.Count);
        foreach (var row in rows)
        {
            var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForCandidate(centre.Number, row.CandidateNumber),
                $"{row.FirstName} {row.LastName}", null, [new Membership(centreId, [Role.Candidate])]);
            var adjustments = new Adjustments(row.ExtraTimePercent, row.RestBreaks, row.LargeText, row.HighContrast, row.AdjustmentNotes);
            var candidate = new Candidate(Guid.CreateVersion7(), centreId, row.CandidateNumber, row.FirstName, row.LastName, row.DateOfBirth,
                adjustments.Any ? adjustments with { ApprovedBy = acting.Actor, ApprovedAt = now } : Adjustments.None, account.Id, row.Email);
            session.Insert(account);
            session.Insert(candidate);
            if (candidate.Adjustments.Any)
            {
                Audit.Record(session, new AdjustmentsApproved(candidate.Id, candidate.CandidateNumber, centreId, candidate.Adjustments, acting.Actor, acting.SourceAddress, now));
            }

            candidates.Add(candidate);
        }

        Audit.Record(session, new CandidatesRegistered(centreId, rows.Count, from, acting.Actor, acting.SourceAddress, now));
        await SaveRefusingDuplicatesAsync(session, "Some of these candidate numbers were registered at the same time by someone else; nothing was imported. Upload the file again.", cancellationToken);
        return candidates;
    }

    public async Task<Candidate> ApproveAdjustmentsAsync(Guid centreId, Guid candidateId, Adjustments adjustments, Acting acting, CancellationToken cancellationToken = default)
    {
        if (adjustments.ExtraTimePercent is < 0 or > 100)
        {
            throw new RefusedException(RefusalKind.Invalid, "Extra time must be from 0 to 100 per cent.");
        }

        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var candidate = await session.LoadAsync<Candidate>(candidateId, cancellationToken);
        if (candidate is null || candidate.CentreId != centreId)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such candidate at this centre.");
        }

        var approved = adjustments with { ApprovedBy = acting.Actor, ApprovedAt = now };
        var updated = candidate with { Adjustments = approved };
        session.Store(updated);
        Audit.Record(session, new AdjustmentsApproved(candidate.Id, candidate.CandidateNumber, centreId, approved, acting.Actor, acting.SourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        return updated;
    }

    /// <summary>New one-time sign-in codes for the given candidates (all of the centre's when none given), to print and hand out.</summary>
    public async Task<IReadOnlyList<(Candidate Candidate, string Code)>> IssueCandidateCodesAsync(
        Guid centreId, IReadOnlyCollection<Guid>? candidateIds, Acting acting, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var candidates = await session.Query<Candidate>().Where(c => c.CentreId == centreId).OrderBy(c => c.CandidateNumber).ToListAsync(cancellationToken);
        if (candidateIds is { Count: > 0 })
        {
            candidates = candidates.Where(c => candidateIds.Contains(c.Id)).ToList();
        }

        var accounts = (await session.LoadManyAsync<UserAccount>(cancellationToken, candidates.Select(c => c.UserId).ToArray())).ToDictionary(a => a.Id);
        var issued = new List<(Candidate, string)>();
        foreach (var candidate in candidates)
        {
            if (!accounts.TryGetValue(candidate.UserId, out var account))
            {
                continue;
            }

            var code = Secrets.NewOneTimeCode();
            session.Store(account with
            {
                OneTimeCodeHash = Secrets.HashCode(account.Id, code),
                OneTimeCodeExpires = now + SigningIn.SignInService.CandidateCodeLifetime,
                OneTimeCodePurpose = OneTimeCodePurpose.CandidateSignIn,
            });
            issued.Add((candidate, code));
        }

        Audit.Record(session, new CandidateSignInCodesIssued(centreId, issued.Count, acting.Actor, acting.SourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        return issued;
    }

    /// <summary>
    /// Adds a member of staff with roles at this centre; returns the code with which they choose a password. Someone who
    /// already has an account (at another centre) is invited instead, with no code: they accept after signing in as
    /// themselves, and until then hold nothing here.
    /// </summary>
    public async Task<(UserAccount Account, string ResetCode)> AddStaffAsync(
        Guid centreId, string email, string displayName, IReadOnlyList<Role> roles, Acting acting, CancellationToken cancellationToken = default)
    {
        if (StaffProblem(email, displayName, roles) is { } problem)
        {
            throw new RefusedException(RefusalKind.Invalid, problem);
        }

        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var name = SignInNames.ForStaff(email);
        var existing = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name, cancellationToken);
        if (existing is not null)
        {
            if (existing.Memberships.Any(m => m.CentreId == centreId))
            {
                throw new RefusedException(RefusalKind.Invalid, $"{name} is already a member of staff here; change their roles instead.");
            }

            // Someone with an account elsewhere is invited: their account stays theirs, and only they can say yes.
            var offered = roles.Distinct().Order().ToList();
            session.Store(new Invitation(Invitation.IdFor(existing.Id, centreId), existing.Id, centreId, offered, acting.Actor, now, now + Invitation.Lifetime));
            Audit.Record(session, new InvitationSent(existing.Id, existing.SignInName, centreId, offered, acting.Actor, acting.SourceAddress, now));
            await session.SaveChangesAsync(cancellationToken);
            return (existing, "");
        }

        var (account, code) = Secrets.WithResetCode(
            new UserAccount(Guid.CreateVersion7(), name, displayName.Trim(), null, [new Membership(centreId, roles.Distinct().Order().ToList())]), now);
        session.Insert(account);
        Audit.Record(session, new RolesChanged(account.Id, account.SignInName, centreId, roles, acting.Actor, acting.SourceAddress, now));
        Audit.Record(session, new PasswordResetCodeIssued(account.Id, account.SignInName, centreId, acting.Actor, acting.SourceAddress, now));
        await SaveRefusingDuplicatesAsync(session, $"{name} was added by someone else at the same time.", cancellationToken);
        return (account, code);
    }

    /// <summary>What is wrong with a new member of staff's details, or null: checked before anything is written.</summary>
    public static string? StaffProblem(string? email, string? displayName, IReadOnlyList<Role> roles) =>
        string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal) || email.Length > 200 ? "Enter the person's email address."
        : string.IsNullOrWhiteSpace(displayName) || displayName.Length > 100 ? "Enter the person's name (at most 100 characters)."
        : roles.Contains(Role.ExternalVerifier) ? ExternalVerifierIsTheOperators
        : roles.Count == 0 || roles.Contains(Role.Candidate) ? "Choose at least one staff role."
        : null;

    /// <summary>Why a centre cannot give or take the external verifier's role: the awarding body's verifier is no centre's to appoint.</summary>
    public const string ExternalVerifierIsTheOperators =
        "The external verifier's role is the awarding body's: only the platform operator grants or withdraws it, never a centre.";

    public async Task<UserAccount> SetRolesAsync(Guid centreId, Guid userId, IReadOnlyList<Role> roles, Acting acting, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var account = await MemberAsync(session, centreId, userId, cancellationToken);
        if (roles.Contains(Role.Candidate) != account.Holds(Role.Candidate, centreId))
        {
            throw new RefusedException(RefusalKind.Invalid, "The candidate role comes with registration as a candidate; it cannot be given or taken here.");
        }

        // The external verifier's role is kept as the operator left it: the exam officer's form neither shows nor takes it.
        var verifiesHere = account.Holds(Role.ExternalVerifier, centreId);
        if (roles.Contains(Role.ExternalVerifier) && !verifiesHere)
        {
            throw new RefusedException(RefusalKind.Invalid, ExternalVerifierIsTheOperators);
        }

        roles = [.. roles.Where(r => r != Role.ExternalVerifier), .. verifiesHere ? [Role.ExternalVerifier] : Array.Empty<Role>()];

        if (!roles.Contains(Role.Admin) && account.Holds(Role.Admin, centreId))
        {
            // Staff sign in with an email, candidates with "centre/number": only staff can be exam officers.
#pragma warning disable CA1847 // Marten translates Contains(string) to SQL; Contains(char) it does not
            var admins = await session.Query<UserAccount>().Where(a => a.Id != userId && a.SignInName.Contains("@")).ToListAsync(cancellationToken);
#pragma warning restore CA1847
            if (!admins.Any(a => a.Holds(Role.Admin, centreId)))
            {
                throw new RefusedException(RefusalKind.Invalid, "This is the centre's only exam officer; give another person the admin role first.");
            }
        }

        var memberships = account.Memberships
            .Select(m => m.CentreId == centreId ? m with { Roles = roles.Distinct().Order().ToList() } : m)
            .Where(m => m.Roles.Count > 0)
            .ToList();
        var updated = account with { Memberships = memberships };
        session.Store(updated);
        Audit.Record(session, new RolesChanged(account.Id, account.SignInName, centreId, roles, acting.Actor, acting.SourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        current.Forget(account.Id);
        var lost = account.Memberships.Where(m => m.CentreId == centreId).SelectMany(m => m.Roles).Except(roles).ToList();
        if (lost.Count > 0)
        {
            foreach (var listener in withdrawn)
            {
                await listener.WithdrawnAsync(account.Id, centreId, lost, cancellationToken);
            }
        }

        return updated;
    }

    /// <summary>The invitations waiting for this person, with their centres.</summary>
    public async Task<IReadOnlyList<(Invitation Invitation, Centre Centre)>> InvitationsForAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.QuerySession();
        var invitations = (await session.Query<Invitation>().Where(i => i.UserId == userId).ToListAsync(cancellationToken)).Where(i => i.IsOpen(now)).ToList();
        var centres = (await session.LoadManyAsync<Centre>(cancellationToken, invitations.Select(i => i.CentreId).ToArray())).ToDictionary(c => c.Id);
        return invitations.Where(i => centres.ContainsKey(i.CentreId)).Select(i => (i, centres[i.CentreId])).OrderBy(p => p.Item2.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The invitations this centre has sent that are still waiting.</summary>
    public async Task<IReadOnlyList<(Invitation Invitation, UserAccount Account)>> InvitationsSentAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.QuerySession();
        var invitations = (await session.Query<Invitation>().Where(i => i.CentreId == centreId).ToListAsync(cancellationToken)).Where(i => i.IsOpen(now)).ToList();
        var accounts = (await session.LoadManyAsync<UserAccount>(cancellationToken, invitations.Select(i => i.UserId).ToArray())).ToDictionary(a => a.Id);
        return invitations.Where(i => accounts.ContainsKey(i.UserId)).Select(i => (i, accounts[i.UserId])).OrderBy(p => p.Item2.SignInName, StringComparer.Ordinal).ToList();
    }

    /// <summary>The person invited (and nobody else) takes up the roles offered; the invitation is then used up.</summary>
    public async Task<UserAccount> AcceptInvitationAsync(Guid userId, Guid centreId, string sourceAddress, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var invitation = await session.LoadAsync<Invitation>(Invitation.IdFor(userId, centreId), cancellationToken);
        var account = await session.LoadAsync<UserAccount>(userId, cancellationToken);
        if (invitation is null || !invitation.IsOpen(now) || account is null)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no invitation to that centre waiting for you: it may have been accepted already, withdrawn, or have expired. Ask the centre's exam officer to invite you again.");
        }

        var joined = account with
        {
            Memberships = [.. account.Memberships.Where(m => m.CentreId != centreId),
                new Membership(centreId, [.. invitation.Roles.Union(account.Holds(Role.ExternalVerifier, centreId) ? [Role.ExternalVerifier] : []).Order()])],
        };
        session.Store(joined);
        session.Delete(invitation);
        Audit.Record(session, new InvitationAccepted(userId, account.SignInName, centreId, invitation.Roles, sourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        current.Forget(userId);
        return joined;
    }

    /// <summary>The centre takes back an invitation not yet accepted.</summary>
    public async Task WithdrawInvitationAsync(Guid centreId, Guid userId, Acting acting, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var invitation = await session.LoadAsync<Invitation>(Invitation.IdFor(userId, centreId), cancellationToken);
        var account = await session.LoadAsync<UserAccount>(userId, cancellationToken);
        if (invitation is null || account is null)
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no invitation waiting for that person.");
        }

        session.Delete(invitation);
        Audit.Record(session, new InvitationWithdrawn(userId, account.SignInName, centreId, acting.Actor, acting.SourceAddress, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A one-time code with which the person chooses a new password; it also lifts a lockout once used.</summary>
    public async Task<string> IssueResetCodeAsync(Guid centreId, Guid userId, Acting acting, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var account = await MemberAsync(session, centreId, userId, cancellationToken);
        if (account.Operator || account.Memberships.Any(m => m.CentreId != centreId) || account.HoldsAnywhere(Role.ExternalVerifier))
        {
            // One account serves every centre the person works at, and an external verifier's is the awarding body's: no single centre may take it over.
            throw new RefusedException(RefusalKind.Invalid, account.HoldsAnywhere(Role.ExternalVerifier)
                ? $"{account.DisplayName} is an external verifier, so their account is not this centre's to reset: the platform operator resets it from their page."
                : $"{account.DisplayName} also works at another centre, so their account is not this centre's to reset: the platform operator resets it from their page.");
        }

        var (reset, code) = Secrets.WithResetCode(account, now);
        session.Store(reset);
        SigningIn.SignInThrottle.ForgetAll(session, account.SignInName); // its waits end too
        Audit.Record(session, new PasswordResetCodeIssued(account.Id, account.SignInName, centreId, acting.Actor, acting.SourceAddress, now));
        await session.SaveChangesAsync(cancellationToken);
        return code;
    }

    private static async Task<UserAccount> MemberAsync(IDocumentSession session, Guid centreId, Guid userId, CancellationToken cancellationToken)
    {
        var account = await session.LoadAsync<UserAccount>(userId, cancellationToken);
        return account is not null && account.Memberships.Any(m => m.CentreId == centreId)
            ? account
            : throw new RefusedException(RefusalKind.NotFound, "There is no such person at this centre.");
    }

    private static async Task SaveRefusingDuplicatesAsync(IDocumentSession session, string message, CancellationToken cancellationToken)
    {
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is DocumentAlreadyExistsException or MartenCommandException { InnerException: Npgsql.PostgresException { SqlState: "23505" } })
        {
            throw new RefusedException(RefusalKind.Invalid, message);
        }
    }
}
