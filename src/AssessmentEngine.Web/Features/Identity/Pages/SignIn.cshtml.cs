using AssessmentEngine.Web.Features.Identity.SigningIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[AllowAnonymous]
[EnableRateLimiting(IdentitySetup.SignInRateLimit)]
public sealed class SignInModel(SignInService signIn, TimeProvider time, IConfiguration configuration) : PageModel
{
    public string? Problem { get; private set; }

    public string? Email { get; private set; }

    public string? CentreNumber { get; private set; }

    public string? CandidateNumber { get; private set; }

    public string ReturnUrl { get; private set; } = "/";

    public bool SingleSignOn => !string.IsNullOrWhiteSpace(configuration["Authentication:Oidc:Authority"]);

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturn(returnUrl);

    public async Task<IActionResult> OnPostStaffAsync(string? email, string? password, string? returnUrl)
    {
        Email = email;
        ReturnUrl = SafeReturn(returnUrl);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return Refuse("Enter your email address and your password.");
        }

        return await Complete(await signIn.WithPasswordAsync(SignInNames.ForStaff(email), password, HttpContext.SourceAddress(), HttpContext.RequestAborted));
    }

    public async Task<IActionResult> OnPostCandidateAsync(string? centreNumber, string? candidateNumber, string? secret, string? returnUrl)
    {
        CentreNumber = centreNumber;
        CandidateNumber = candidateNumber;
        ReturnUrl = SafeReturn(returnUrl);
        if (string.IsNullOrWhiteSpace(centreNumber) || string.IsNullOrWhiteSpace(candidateNumber) || string.IsNullOrEmpty(secret))
        {
            return Refuse("Enter your centre number, your candidate number and your password or sign-in code.");
        }

        var name = SignInNames.ForCandidate(centreNumber, candidateNumber);
        // A printed code has the shape XXXX-XXXX-XXXX; anything else is a password.
        var outcome = LooksLikeCode(secret)
            ? await signIn.WithCandidateCodeAsync(name, secret, HttpContext.SourceAddress(), HttpContext.RequestAborted)
            : await signIn.WithPasswordAsync(name, secret, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        return await Complete(outcome);
    }

    public IActionResult OnPostSingleSignOn(string? returnUrl) =>
        SingleSignOn ? Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(returnUrl) }, IdentitySetup.OidcScheme) : NotFound();

    private async Task<IActionResult> Complete(SignInOutcome outcome)
    {
        if (outcome is not SignInOutcome.Succeeded { Account: var account })
        {
            return Refuse(((SignInOutcome.Refused)outcome).Message);
        }

        var principal = EngineClaims.For(account, CookieAuthenticationDefaults.AuthenticationScheme, time.GetUtcNow());
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return LocalRedirect(ReturnUrl);
    }

    private PageResult Refuse(string message)
    {
        Problem = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    internal static bool LooksLikeCode(string secret) =>
        secret.Trim().Length == 14 && secret.Trim()[4] == '-' && secret.Trim()[9] == '-' && Secrets.NormaliseCode(secret).Length == 12;

    private string SafeReturn(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
