namespace AssessmentEngine.Web.Infrastructure;

/// <summary>Headers on every response: no inline scripts, no framing, no sniffing, HSTS when behind TLS.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // The job dashboard (admins only) is a third-party page built on inline scripts and styles.
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/jobs")
                ? ContentSecurityPolicy.Replace("script-src 'self'", "script-src 'self' 'unsafe-inline'", StringComparison.Ordinal)
                    .Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'", StringComparison.Ordinal)
                : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        });
        await next();
    });
}
