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

    public EngineFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Node:Roles", roles);
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
