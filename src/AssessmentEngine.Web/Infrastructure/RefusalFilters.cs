using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Infrastructure;

/// <summary>On an API group: a refusal becomes an RFC 7807 problem with its kind's status and a message a person can act on.</summary>
public sealed class RefusalsAsProblems : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RefusedException refused)
        {
            var superseded = refused.Kind == RefusalKind.Superseded;
            return TypedResults.Problem(refused.Message, statusCode: refused.Kind.Status(),
                title: superseded ? "Opened elsewhere" : "Not done",
                extensions: superseded ? new Dictionary<string, object?> { ["superseded"] = true } : null);
        }
    }
}

/// <summary>On every hub: a refusal reaches the caller as its message; nothing else leaks.</summary>
public sealed class RefusalsAsHubErrors : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (RefusedException refused)
        {
            throw new HubException(refused.Message);
        }
    }
}

/// <summary>
/// A page that shows a refused post on itself (<see cref="RefusalsOnPages"/>): the message goes to <see cref="Problem"/>,
/// the page reloads what it lists and is rendered again.
/// </summary>
public interface IShowsRefusals
{
    string? Problem { get; set; }

    /// <summary>The status the re-rendered page answers with.</summary>
    int StatusFor(RefusedException refused) => StatusCodes.Status400BadRequest;

    /// <summary>Reloads what the page shows, when the handler loads it after acting (a refusal stopped it before).</summary>
    Task ReloadAsync() => Task.CompletedTask;
}

/// <summary>On every page: a post handler's refusal is shown on the page it came from, for the pages that show refusals.</summary>
public sealed class RefusalsOnPages : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed is { Exception: RefusedException refused, ExceptionHandled: false, HandlerInstance: IShowsRefusals page }
            && HttpMethods.IsPost(context.HttpContext.Request.Method))
        {
            page.Problem = refused.Message;
            context.HttpContext.Response.StatusCode = page.StatusFor(refused);
            await page.ReloadAsync();
            executed.Result = new PageResult();
            executed.ExceptionHandled = true;
        }
    }
}

/// <summary>
/// On every page: a form posted to a handler the page does not have is "not found". Without this the page would render
/// with nothing loaded (its handlers load what it shows) and fail as a server error.
/// </summary>
public sealed class UnknownPageHandlers : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is null && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            context.Result = new NotFoundResult();
            return;
        }

        await next();
    }
}
