using Microsoft.AspNetCore.Antiforgery;

namespace AssessmentEngine.Web.Infrastructure;

/// <summary>
/// On an API whose calls the engine's own pages make with fetch: every call that changes something (POST, PATCH, PUT,
/// DELETE) carries the page's antiforgery token in a header (the page reads it from its meta tag or a data attribute).
/// </summary>
public sealed class AntiforgeryOnChanges(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        var changes = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
        if (changes && !await antiforgery.IsRequestValidAsync(context.HttpContext))
        {
            return TypedResults.Problem("The page's security token is missing or has expired. Reload the page; nothing you saved is lost.",
                statusCode: StatusCodes.Status400BadRequest, title: "Reload the page");
        }

        return await next(context);
    }
}
