using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>
/// While PostgreSQL is away (restarting, unreachable) a request answers 503 with a problem a person can act on and a
/// Retry-After, never a bare 500: the candidate's page keeps the answer in its outbox and sends it again.
/// </summary>
internal sealed class DatabaseUnavailable(IProblemDetailsService problems, ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        var busy = IsPoolExhausted(exception);
        logger.LogWarning("Request {Path} refused while the database is {State}: {Reason}", httpContext.Request.Path, busy ? "busy" : "unavailable", DatabaseProblem.Describe(exception));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = busy ? "The engine is very busy just now" : "The engine cannot reach its database just now",
                Detail = "Try again in a moment. On the test page nothing is lost: answers wait on this computer and are sent when the engine is back.",
            },
        });
    }

    /// <summary>
    /// Every connection of the node's pool was in use for the whole wait (a load peak, not an outage): the database is
    /// there, so the problem says the engine is busy. Npgsql marks it only by its message.
    /// </summary>
    public static bool IsPoolExhausted(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is NpgsqlException && inner.Message.Contains("connection pool has been exhausted", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A connection that failed or was cut, or a server shutting down or starting up: not a fault of the request.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal);
                case NpgsqlException:
                case SocketException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
