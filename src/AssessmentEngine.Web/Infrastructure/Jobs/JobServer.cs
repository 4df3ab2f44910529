using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;
using Hangfire.Common;

namespace AssessmentEngine.Web.Infrastructure.Jobs;

/// <summary>The Hangfire server of a worker node, started once the store's schema is applied and stopped with the host.</summary>
internal sealed class JobServer(SchemaState schema, IServiceProvider services, ILogger<JobServer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!schema.Applied)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
        }

        var options = new BackgroundJobServerOptions
        {
            ServerName = $"{Environment.MachineName}:{Environment.ProcessId}",
            WorkerCount = 4,
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            Queues = ["deadlines", "default"],
            Activator = services.GetRequiredService<JobActivator>(),
            FilterProvider = services.GetService<IJobFilterProvider>() ?? JobFilterProviders.Providers,
        };

        BackgroundJobServer? server = null;
        while (server is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                server = new BackgroundJobServer(options, services.GetRequiredService<JobStorage>());
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Job server not started yet: {Reason}", exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }

        using (server)
        {
            logger.LogInformation("Job server started");
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                server?.SendStop();
                await (server?.WaitForShutdownAsync(CancellationToken.None) ?? Task.CompletedTask);
            }
        }
    }
}
