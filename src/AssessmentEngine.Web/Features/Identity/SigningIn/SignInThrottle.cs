namespace AssessmentEngine.Web.Features.Identity.SigningIn;

/// <summary>
/// Failed sign-ins for one name from one address, and until when that address must wait before it tries the name
/// again. Counting per name and address, rather than locking the account, means nobody can keep a person out by failing
/// to sign in as them from elsewhere (candidate sign-in names are predictable). Names nobody holds are counted the same
/// way, so waiting says nothing about whether an account exists.
/// </summary>
public sealed record SignInThrottle(string Id, string SignInName, int Failures, DateTimeOffset? WaitUntil)
{
    /// <summary>Ends every wait for the name (a reset code was issued for it).</summary>
    public static void ForgetAll(Marten.IDocumentSession session, string signInName)
    {
        var name = signInName.Trim().ToLowerInvariant();
        session.DeleteWhere<SignInThrottle>(t => t.SignInName == name);
    }

    public static string IdFor(string signInName, string source) => $"{signInName.Trim().ToLowerInvariant()}|{source}";

    /// <summary>The wait after this many failures: none for the first few, then doubling from 2 seconds, at most 15 minutes.</summary>
    public static TimeSpan WaitAfter(int failures) => failures < SignInService.FreeFailures
        ? TimeSpan.Zero
        : TimeSpan.FromSeconds(Math.Min(15 * 60, Math.Pow(2, Math.Min(20, failures - SignInService.FreeFailures + 1))));
}
