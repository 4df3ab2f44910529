using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AssessmentEngine.Web.Tests.Infrastructure;

namespace AssessmentEngine.Web.Tests.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_is_200_and_names_each_check_when_the_database_answers()
    {
        await using var database = new TestDatabase();
        await database.CreateAsync();
        await using var engine = new EngineFactory(database.ConnectionString);
        using var client = engine.CreateClient();

        var (status, body) = await Eventually.GetAsync(() => GetHealth(client), r => r.Status == HttpStatusCode.OK, what: "a healthy /health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = Checks(body);
        Assert.Equal("Healthy", checks["database"].GetProperty("status").GetString());
        Assert.StartsWith("PostgreSQL 15", checks["database"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", checks["schema"].GetProperty("status").GetString());
        Assert.Equal("web,worker", body.GetProperty("node").GetProperty("roles").GetString());
    }

    [Fact]
    public async Task Health_is_503_and_says_why_when_PostgreSQL_is_unreachable()
    {
        var closedPort = ClosedLoopbackPort();
        await using var engine = new EngineFactory($"Host=127.0.0.1;Port={closedPort};Username=ae;Password=x;Database=none;Timeout=2");
        using var client = engine.CreateClient();

        var (status, body) = await GetHealth(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var database = Checks(body)["database"];
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Contains("PostgreSQL is unreachable", database.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_turns_healthy_when_the_database_comes_back_without_restarting_the_app()
    {
        await using var database = new TestDatabase(); // not created yet: the app starts without its database
        await using var engine = new EngineFactory(database.ConnectionString);
        using var client = engine.CreateClient();

        var (before, beforeBody) = await GetHealth(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before);
        Assert.Contains("does not exist", Checks(beforeBody)["database"].GetProperty("description").GetString(), StringComparison.Ordinal);

        await database.CreateAsync();

        var (after, afterBody) = await Eventually.GetAsync(() => GetHealth(client), r => r.Status == HttpStatusCode.OK, what: "recovery of /health");
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal("Healthy", Checks(afterBody)["schema"].GetProperty("status").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealth(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(json).RootElement.Clone());
    }

    private static Dictionary<string, JsonElement> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
