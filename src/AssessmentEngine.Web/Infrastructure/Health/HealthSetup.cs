using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using AssessmentEngine.Web.Infrastructure.Store;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AssessmentEngine.Web.Infrastructure.Health;

/// <summary>GET /health: 200 when every check is healthy, 503 otherwise, with JSON naming each check.</summary>
public static class HealthSetup
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", timeout: TimeSpan.FromSeconds(4))
            .AddCheck<SchemaHealthCheck>("schema");
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = WriteJson,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous().DisableHttpMetrics();
        return endpoints;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        var roles = context.RequestServices.GetRequiredService<NodeRoles>();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            node = new { roles = roles.ToString(), machine = Environment.MachineName },
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

/// <summary>Opens a connection from the app's own pool and asks PostgreSQL for its version.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await using var command = dataSource.CreateCommand("select current_setting('server_version')");
            var version = (string?)await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PostgreSQL {version} answered in {stopwatch.ElapsedMilliseconds} ms");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // Pooled connections die with the server; drop them so the first check after a restart succeeds.
            dataSource.Clear();
            var reason = exception is OperationCanceledException ? "PostgreSQL did not answer in time" : DatabaseProblem.Describe(exception);
            return HealthCheckResult.Unhealthy(reason);
        }
    }
}

/// <summary>Healthy once this node has applied the store's schema.</summary>
internal sealed class SchemaHealthCheck(SchemaState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Applied
            ? HealthCheckResult.Healthy("the event store and document schema are applied")
            : HealthCheckResult.Unhealthy($"waiting for the database: {state.Problem}"));
}
