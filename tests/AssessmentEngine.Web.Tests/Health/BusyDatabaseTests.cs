using System.Net;
using AssessmentEngine.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AssessmentEngine.Web.Tests.Health;

/// <summary>
/// Every connection of the node's pool in use (a load peak): a request that needs the database waits the pool's
/// timeout, then answers 503 saying the engine is busy — not a 500, and not that the database is unreachable.
/// </summary>
public sealed class BusyDatabaseTests
{
    [Fact]
    public async Task A_request_finding_every_pooled_connection_in_use_answers_503_busy()
    {
        await using var database = new TestDatabase();
        await database.CreateAsync();
        await using var engine = new EngineFactory($"{database.ConnectionString};Maximum Pool Size=2;Timeout=2", roles: "web");
        await engine.StartedAsync();
        using var page = new PageClient(engine.CreateClient(new() { AllowAutoRedirect = false }));
        await page.GetPageAsync("/signin"); // the form's token, before the pool is taken

        var pool = engine.Services.GetRequiredService<NpgsqlDataSource>();
        await using var first = await pool.OpenConnectionAsync();
        await using var second = await pool.OpenConnectionAsync();
        using var response = await page.SignInAsStaffAsync("nobody@example.org", "not-a-password");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The engine is very busy just now", body, StringComparison.Ordinal);
        Assert.Equal("5", response.Headers.RetryAfter?.ToString());
    }
}
