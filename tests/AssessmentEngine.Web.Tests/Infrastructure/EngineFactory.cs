using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>The real application, in process, on a database of the test's choosing.</summary>
public sealed class EngineFactory(string connectionString, string roles = "web,worker", FakeTimeProvider? clock = null)
    : WebApplicationFactory<Program>
{
    private readonly List<Action<IServiceCollection>> _services = [];
    private readonly Dictionary<string, string> _settings = new() { ["SignIn:PermitsPerMinute"] = "1000" };

    /// <summary>A configuration value; sign-in is not rate-limited in tests unless a test sets SignIn:PermitsPerMinute.</summary>
    public EngineFactory WithSetting(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    public EngineFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Starts the app and waits until it has applied the store's schema (as a real node does before it is healthy).</summary>
    public async Task<EngineFactory> StartedAsync()
    {
        var schema = Services.GetRequiredService<AssessmentEngine.Web.Infrastructure.Store.SchemaState>();
        await Eventually.GetAsync(() => Task.FromResult(schema.Applied), applied => applied, Waits.ProcessStart, "the schema");
        return this;
    }

    /// <summary>
    /// A request waits as long as the engine takes (a 10,000-row upload on a busy machine can take minutes): the test
    /// checks what the answer says, and a hung request still ends at the suite's limit rather than never.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.Timeout = Waits.Request;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Node:Roles", roles);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            }

            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }
}
