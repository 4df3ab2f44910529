using AssessmentEngine.Web.Features.Identity;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Npgsql;

namespace AssessmentEngine.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire on PostgreSQL (schema "hangfire" of the engine's database). Every node can enqueue; only worker nodes run
/// the server. Deadlines must fire within seconds, so the queue is polled every second and the invisibility timeout
/// slides; jobs are short, idempotent, and take ids, not objects.
/// </summary>
public static class JobsSetup
{
    public const string Schema = "hangfire";
    public const string DashboardPath = "/jobs";

    public static IServiceCollection AddJobs(this IServiceCollection services, NodeRoles roles)
    {
        services.AddHangfire((provider, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new JobLogging(provider.GetRequiredService<ILoggerFactory>()))
            .UsePostgreSqlStorage(bootstrap => bootstrap.UseConnectionFactory(provider.GetRequiredService<JobConnections>()), new PostgreSqlStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromSeconds(1),
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
                // A worker killed while it held a lock (the delayed-job poller's, say) leaves it behind: after this long it
                // is taken as abandoned, so scheduled jobs move again within a minute of a crash, not ten.
                DistributedLockTimeout = TimeSpan.FromMinutes(1),
                // The storage is first built after the database answered (see JobServer); a brief blip then is retried.
                StartupConnectionMaxRetries = 5,
                StartupConnectionMaxDelay = TimeSpan.FromSeconds(2),
            }));

        services.AddSingleton<JobConnections>();
        if (roles.Worker)
        {
            // Not AddHangfireServer: its hosted service builds the storage at start-up and would hold the whole node
            // while PostgreSQL is away. This one starts the server once the schema is applied.
            services.AddHostedService<JobServer>();
        }

        services.AddHostedService<RecurringJobsRegistration>();
        return services;
    }

    /// <summary>
    /// The dashboard needs the job storage, which needs the database; it is built on its first request, not at
    /// start-up, so that a node whose database is away still starts and answers /health. A failed build is retried.
    /// </summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        var dashboard = new Lazy<RequestDelegate>(() => new ApplicationBuilder(app.Services)
            .UseHangfireDashboard(DashboardPath, new DashboardOptions
            {
                Authorization = [new OperatorOnly()],
                DashboardTitle = "AssessmentEngine jobs",
                DisplayStorageConnectionString = false,
                AppPath = "/",
            })
            .Build(), LazyThreadSafetyMode.PublicationOnly);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(DashboardPath))
            {
                await dashboard.Value(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Jobs have a connection pool of their own. Sharing the web requests' pool, a start of thousands of candidates
    /// emptied it and scheduling an attempt's time-up job failed for want of a connection (the sweep caught those
    /// attempts, a minute late at worst); a small pool of its own keeps scheduling and the workers independent of load.
    /// </summary>
    private sealed class JobConnections(IConfiguration configuration) : IConnectionFactory, IDisposable
    {
        private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(Store.StoreSetup.PostgresConnectionString(configuration))
            {
                ApplicationName = "AssessmentEngine jobs",
                MaxPoolSize = 20,
            }.ConnectionString).Build();

        public NpgsqlConnection GetOrCreateConnection() => _dataSource.CreateConnection();

        public void Dispose() => _dataSource.Dispose();
    }

    /// <summary>The dashboard shows, deletes and re-runs every centre's jobs: the platform operator's alone.</summary>
    private sealed class OperatorOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User is { Identity.IsAuthenticated: true } user && user.IsOperator();
    }
}
