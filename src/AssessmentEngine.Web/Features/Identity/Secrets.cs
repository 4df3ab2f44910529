using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>Password hashing (ASP.NET Core's PasswordHasher, PBKDF2) and the one-time codes admins hand out.</summary>
public static class Secrets
{
    public const int MinimumPasswordLength = 10;
    public const int MaximumPasswordLength = 256;

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // No 0/O or 1/I/L: codes are read off paper.
    private const string CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static string? PasswordProblem(string? password) => password switch
    {
        null or "" => "Enter a password.",
        { Length: < MinimumPasswordLength } => $"Use at least {MinimumPasswordLength} characters; a few words together make a good password.",
        { Length: > MaximumPasswordLength } => $"Use at most {MaximumPasswordLength} characters.",
        _ when string.IsNullOrWhiteSpace(password) => "A password cannot be only spaces.",
        _ => null,
    };

    public static string HashPassword(UserAccount account, string password) => Hasher.HashPassword(account, password);

    public static bool PasswordMatches(UserAccount account, string password) =>
        account.PasswordHash is { } hash && Hasher.VerifyHashedPassword(account, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>A code like "K7QX-M2PD-R9TA": 12 characters from a 31-letter alphabet, about 59 bits.</summary>
    /// <summary>A security stamp: a fresh random value each time the account's password changes.</summary>
    public static string NewStamp() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// The account with a new password-reset code (stored hashed, valid <see cref="SigningIn.SignInService.PasswordResetCodeLifetime"/>)
    /// and its lock lifted; the code, to send the person, is returned once.
    /// </summary>
    public static (UserAccount Account, string Code) WithResetCode(UserAccount account, DateTimeOffset now)
    {
        var code = NewOneTimeCode();
        return (account with
        {
            OneTimeCodeHash = HashCode(account.Id, code),
            OneTimeCodeExpires = now + SigningIn.SignInService.PasswordResetCodeLifetime,
            OneTimeCodePurpose = OneTimeCodePurpose.PasswordReset,
            LockedUntil = null,
            FailedSignIns = 0,
        }, code);
    }

    public static string NewOneTimeCode()
    {
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)];
        }

        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    public static string NormaliseCode(string code) =>
        new string(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    /// <summary>Codes are stored hashed with the account id, so a database copy reveals none.</summary>
    public static string HashCode(Guid accountId, string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId:N}:{NormaliseCode(code)}")));

    public static bool CodeMatches(UserAccount account, string code, OneTimeCodePurpose purpose, DateTimeOffset now) =>
        account.OneTimeCodePurpose == purpose
        && account.OneTimeCodeExpires is { } expires && expires > now
        && account.OneTimeCodeHash is { } stored
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(HashCode(account.Id, code)));
}
