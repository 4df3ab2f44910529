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
public sealed class ResetPasswordModel(SignInService signIn, TimeProvider time) : PageModel
{
    public string? Problem { get; private set; }

    public string? SignInName { get; private set; }

    public string? Code { get; private set; }

    /// <summary>An invitation link fills in who and the code; the person only chooses their password.</summary>
    public void OnGet(string? name, string? code)
    {
        SignInName = name is { Length: <= 200 } ? name : null;
        Code = code is { Length: <= 40 } ? code : null;
    }

    public async Task<IActionResult> OnPostAsync(string? signInName, string? code, string? newPassword)
    {
        SignInName = signInName;
        if (string.IsNullOrWhiteSpace(signInName) || string.IsNullOrWhiteSpace(code) || newPassword is null)
        {
            Problem = "Enter your sign-in name, the reset code and a new password.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var name = signInName.Contains('@', StringComparison.Ordinal) ? SignInNames.ForStaff(signInName)
            : signInName.Split('/') is [var centre, var candidate] ? SignInNames.ForCandidate(centre, candidate) : signInName.Trim();
        var outcome = await signIn.ResetPasswordAsync(name, code, newPassword, HttpContext.SourceAddress(), HttpContext.RequestAborted);
        if (outcome is SignInOutcome.Refused refused)
        {
            Problem = refused.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var account = ((SignInOutcome.Succeeded)outcome).Account;
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            EngineClaims.For(account, CookieAuthenticationDefaults.AuthenticationScheme, time.GetUtcNow()));
        return LocalRedirect("/");
    }
}
