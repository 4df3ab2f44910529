using Microsoft.AspNetCore.StaticFiles;

namespace AssessmentEngine.Web.Infrastructure;

/// <summary>How browsers keep the site's scripts: a script asked for without a version is checked again on every load.</summary>
public static class ScriptCaching
{
    // Pages load their scripts with ?v=<hash of the file> (asp-append-version), so a deploy changes those addresses. The
    // modules a script imports (js/test/*.js) are asked for without one, and a browser's heuristic caching could run a
    // new main.js with an old outbox.js after a deploy. Those are revalidated instead: a 304 while they are unchanged.
    public static void RevalidateUnversioned(StaticFileResponseContext context)
    {
        if (context.File.Name.EndsWith(".js", StringComparison.Ordinal) && !context.Context.Request.Query.ContainsKey("v"))
        {
            context.Context.Response.Headers.CacheControl = "no-cache";
        }
    }
}
