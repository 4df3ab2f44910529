using System.Security.Claims;
using System.Threading.RateLimiting;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;

namespace AssessmentEngine.Web.Features.Identity;

public static class IdentitySetup
{
    public const string SignInRateLimit = "sign-in";
    public const string OidcScheme = "oidc";

    /// <summary>How long a session's cookie lasts without a request (each request more than half-way through renews it).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(10);

    public static IServiceCollection AddIdentityFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<SignInService>();
        services.AddMemoryCache();
        services.AddSingleton<CurrentAccounts>();
        services.AddSingleton<CurrentAccessHubFilter>();
        services.AddSingleton<IAuthorizationHandler, CentreRoleHandler>();
        services.AddAuthorizationBuilder().AddEnginePolicies();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "ae.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "ae.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the request is HTTPS (behind a trusted proxy, as its X-Forwarded-Proto says; see TrustedProxies).
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/denied";
                options.ExpireTimeSpan = SessionLifetime;
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = Revalidate;
            });

        // Single sign-on for centres that have it: set Authentication:Oidc:Authority, ClientId and ClientSecret.
        var oidc = configuration.GetSection("Authentication:Oidc");
        if (!string.IsNullOrWhiteSpace(oidc["Authority"]))
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.Authority = oidc["Authority"];
                options.ClientId = oidc["ClientId"];
                options.ClientSecret = oidc["ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.Scope.Add("email");
                options.SaveTokens = false;
                options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.CallbackPath = "/signin-oidc";
                options.Events.OnTokenValidated = OidcSignIn.MapToAccountAsync;
                // The token's own claim names (iss, tid, sub, email, email_verified), which the sign-in checks.
                options.MapInboundClaims = false;
            });
        }

        var permits = configuration.GetValue("SignIn:PermitsPerMinute", 10);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only attempts count: showing the sign-in page is free. Counted per person: behind a trusted proxy, by the
            // address it forwards (see TrustedProxies).
            options.AddPolicy(SignInRateLimit, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("page")
                : RateLimitPartition.GetFixedWindowLimiter(
                context.SourceAddress(),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                var what = context.HttpContext.Request.Path.StartsWithSegments("/candidate") ? "access code" : "sign-in";
                await context.HttpContext.Response.WriteAsJsonAsync(new
                {
                    title = $"Too many {what} attempts",
                    status = 429,
                    detail = $"Too many {what} attempts. Wait a minute and try again.",
                }, cancellationToken);
            };
        });

        return services.AddTrustedProxies(configuration);
    }

    public static WebApplication UseIdentityFeature(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>The client's address: the connection's, or behind a trusted proxy the one it forwards (UseForwardedHeaders runs first).</summary>
    public static string SourceAddress(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // Every request checks the account as it stands (held a few seconds per node; see CurrentAccounts): a removed
    // account, a lock, a changed password or this session's sign-out ends the session; changed roles take effect on the
    // next request.
    private static async Task Revalidate(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var principal = context.Principal;
        var account = await services.GetRequiredService<CurrentAccounts>().ForSessionAsync(principal, context.HttpContext.RequestAborted);
        if (principal is null || account is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        if (!principal.Matches(account))
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            context.ReplacePrincipal(EngineClaims.For(account, CookieAuthenticationDefaults.AuthenticationScheme, now, principal.SessionId()));
            context.ShouldRenew = true;
        }
    }
}

/// <summary>
/// After the identity provider signs someone in, finds the engine account with that email and decides whether this
/// token may sign it in; nobody is created silently. The token must come from a provider (issuer, and tenant where it
/// has them) that one of the person's centres trusts, with its email verified, for an account that is not locked; the
/// first sign-in links the provider's subject to the account, and only that subject signs in through that issuer after.
/// </summary>
public static class OidcSignIn
{
    public const string Refusal = "Single sign-on cannot sign you in to AssessmentEngine with that account. Sign in with your email and password, or ask your exam officer whether your centre accepts this sign-in.";

    public static async Task MapToAccountAsync(TokenValidatedContext context)
    {
        var token = context.Principal;
        var email = token?.FindFirstValue("email") ?? token?.FindFirstValue(ClaimTypes.Email);
        var issuer = token?.FindFirstValue("iss") ?? "";
        var tenant = token?.FindFirstValue("tid");
        var subject = token?.FindFirstValue("sub") ?? token?.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var verified = string.Equals(token?.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        var services = context.HttpContext.RequestServices;
        var store = services.GetRequiredService<IDocumentStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var source = context.HttpContext.SourceAddress();
        await using var session = store.LightweightSession();
        var name = email is null ? null : SignInNames.ForStaff(email);
        var account = name is null ? null : await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name);
        var centres = account is null ? [] : await session.LoadManyAsync<Centre>(SignInService.CentresOf(account).ToArray());
        var linked = account?.ExternalLogins?.FirstOrDefault(l => l.Issuer == issuer);
        var problem = (account, email) switch
        {
            (_, null) => "the token names no email",
            (null, _) => "no such account",
            _ when !verified => "the provider has not verified the email",
            _ when issuer.Length == 0 || subject.Length == 0 => "the token names no issuer or subject",
            _ when !centres.Any(c => c.Trusts(issuer, tenant)) => $"no centre of the account trusts {issuer}{(tenant is null ? "" : $" (tenant {tenant})")}",
            _ when account.IsLockedOut(now) => "locked out",
            _ when linked is not null && linked.Subject != subject => "another person of the provider asserted this email",
            _ => null,
        };
        if (problem is not null)
        {
            var subjectId = account?.Id ?? Guid.Empty;
            if (account is not null)
            {
                Audit.Record(session, new SignInFailed(subjectId, account.SignInName, $"single sign-on: {problem}", SignInService.CentresOf(account), source, now));
                await session.SaveChangesAsync();
            }

            context.Fail(Refusal);
            return;
        }

        var signedIn = account!;
        if (linked is null)
        {
            signedIn = signedIn with { ExternalLogins = [.. signedIn.ExternalLogins ?? [], new ExternalLogin(issuer, subject, now)] };
            session.Store(signedIn);
            Audit.Record(session, new SingleSignOnLinked(signedIn.Id, signedIn.SignInName, issuer, SignInService.CentresOf(signedIn), source, now));
        }

        Audit.Record(session, new SignedIn(signedIn.Id, signedIn.SignInName, "single sign-on", SignInService.CentresOf(signedIn), source, now));
        await session.SaveChangesAsync();
        context.Principal = EngineClaims.For(signedIn, CookieAuthenticationDefaults.AuthenticationScheme, now);
    }
}
