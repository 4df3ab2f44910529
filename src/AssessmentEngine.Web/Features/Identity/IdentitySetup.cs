using System.Security.Claims;
using System.Threading.RateLimiting;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;

namespace AssessmentEngine.Web.Features.Identity;

public static class IdentitySetup
{
    public const string SignInRateLimit = "sign-in";
    public const string OidcScheme = "oidc";

    public static IServiceCollection AddIdentityFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<SignInService>();
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
                // Secure whenever the request is HTTPS (behind a proxy, as X-Forwarded-Proto says).
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/signin";
                options.LogoutPath = "/signout";
                options.AccessDeniedPath = "/denied";
                options.ExpireTimeSpan = TimeSpan.FromHours(10);
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
            });
        }

        var permits = configuration.GetValue("SignIn:PermitsPerMinute", 10);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only attempts count: showing the sign-in page is free.
            options.AddPolicy(SignInRateLimit, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("page")
                : RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
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

        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return services;
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

    // A removed account or a changed role takes effect within a minute, without waiting for the cookie to expire.
    private static async Task Revalidate(CookieValidatePrincipalContext context)
    {
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        var validated = long.TryParse(context.Principal?.FindFirstValue(EngineClaims.ValidatedAt), out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue;
        if (now - validated < TimeSpan.FromMinutes(1) || context.Principal is null)
        {
            return;
        }

        var store = context.HttpContext.RequestServices.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var account = Guid.TryParse(context.Principal.FindFirstValue(EngineClaims.UserId), out var id)
            ? await session.LoadAsync<UserAccount>(id, context.HttpContext.RequestAborted) : null;
        if (account is null || account.IsLockedOut(now))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.ReplacePrincipal(EngineClaims.For(account, CookieAuthenticationDefaults.AuthenticationScheme, now));
        context.ShouldRenew = true;
    }
}

/// <summary>After a centre's identity provider signs someone in, finds the engine account with that email; nobody is created silently.</summary>
internal static class OidcSignIn
{
    public static async Task MapToAccountAsync(TokenValidatedContext context)
    {
        var email = context.Principal?.FindFirstValue(ClaimTypes.Email) ?? context.Principal?.FindFirstValue("email");
        var services = context.HttpContext.RequestServices;
        var store = services.GetRequiredService<IDocumentStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var session = store.LightweightSession();
        var name = email is null ? null : SignInNames.ForStaff(email);
        var account = name is null ? null : await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.SignInName == name);
        if (account is null)
        {
            context.Fail($"No AssessmentEngine account has the email {email ?? "(none given)"}; ask your exam officer to add you.");
            return;
        }

        Audit.Record(session, new SignedIn(account.Id, account.SignInName, "single sign-on", SignInService.CentresOf(account), context.HttpContext.SourceAddress(), now));
        await session.SaveChangesAsync();
        context.Principal = EngineClaims.For(account, CookieAuthenticationDefaults.AuthenticationScheme, now);
    }
}
