using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// Builders for centres and people, written straight to the store. They store (upsert) rather than insert: the store
/// retries a save that timed out on a busy machine, and a retried insert that had in fact been written fails as a
/// duplicate.
/// </summary>
public static class Centres
{
    public const string Password = "correct horse battery";

    // PBKDF2 at its production cost takes tens of milliseconds a hash, which a room of hundreds of candidates multiplies
    // into most of a test's time; the hasher does not read the account (the salt is random), so one hash serves everyone.
    private static readonly Lazy<string> PasswordHash = new(() => Secrets.HashPassword(new UserAccount(Guid.Empty, "", "", null, []), Password));

    /// <summary>The unit codes of the repository's item bank, which a test centre is offered unless the test says otherwise.</summary>
    private static readonly Lazy<IReadOnlyList<string>> RepositoryUnits = new(() =>
        Directory.EnumerateFiles(Path.Combine(AssessmentEngine.Web.Tests.ItemBank.BankFolder.RepositoryRoot, "itembank"), "unit.md", SearchOption.AllDirectories)
            .Select(file => File.ReadLines(file).Select(line => line.Trim()).First(line => line.StartsWith("unit:", StringComparison.Ordinal))[5..].Trim().Trim('"'))
            .ToList());

    /// <summary>A centre offered <paramref name="offers"/> (by default every unit of the repository's bank).</summary>
    public static async Task<Centre> CentreAsync(IDocumentStore store, string number, string name = "Test Centre", IReadOnlyList<string>? offers = null)
    {
        var centre = new Centre(Guid.CreateVersion7(), name, number, Centre.DefaultTimeZone, OfferedUnits: offers ?? RepositoryUnits.Value);
        await using var session = store.LightweightSession();
        session.Store(centre);
        await session.SaveChangesAsync();
        return centre;
    }

    public static async Task<UserAccount> StaffAsync(IDocumentStore store, Centre centre, string email, params Role[] roles)
    {
        var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForStaff(email), email.Split('@')[0], null, [new Membership(centre.Id, roles)]);
        account = account with { PasswordHash = PasswordHash.Value };
        await using var session = store.LightweightSession();
        session.Store(account);
        await session.SaveChangesAsync();
        return account;
    }

    /// <summary>The platform operator: above every centre, a member of none.</summary>
    public static async Task<UserAccount> OperatorAsync(IDocumentStore store, string email)
    {
        var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForStaff(email), "Platform operator", PasswordHash.Value, [], Operator: true);
        await using var session = store.LightweightSession();
        session.Store(account);
        await session.SaveChangesAsync();
        return account;
    }

    /// <summary>An author of an awarding body's bank (<paramref name="owner"/>), a member of no centre.</summary>
    public static async Task<UserAccount> AuthorAsync(IDocumentStore store, string email, string owner)
    {
        var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForStaff(email), "Awarding body author", PasswordHash.Value, [], AuthorFor: [owner]);
        await using var session = store.LightweightSession();
        session.Store(account);
        await session.SaveChangesAsync();
        return account;
    }

    public static async Task<Candidate> CandidateAsync(IDocumentStore store, Centre centre, string number, Adjustments? adjustments = null)
    {
        var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForCandidate(centre.Number, number), $"Candidate {number}", null,
            [new Membership(centre.Id, [Role.Candidate])]);
        account = account with { PasswordHash = PasswordHash.Value };
        var candidate = new Candidate(Guid.CreateVersion7(), centre.Id, number, "Candidate", number, new DateOnly(2000, 1, 1), adjustments ?? Adjustments.None, account.Id);
        await using var session = store.LightweightSession();
        session.Store(account);
        session.Store(candidate);
        await session.SaveChangesAsync();
        return candidate;
    }
}
