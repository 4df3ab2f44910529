using Marten;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>Whether this node has applied the store's schema yet, and the last reason it could not.</summary>
public sealed class SchemaState
{
    private volatile string? _problem = "the schema has not been applied yet";

    public bool Applied => _problem is null;

    public string? Problem => _problem;

    internal void Succeeded() => _problem = null;

    internal void Failed(string problem) => _problem = problem;
}

/// <summary>
/// Applies the Marten schema at start-up, retrying while PostgreSQL is unreachable, so that a node
/// started before its database answers 503 on /health instead of crashing.
/// </summary>
internal sealed class SchemaInitializer(IDocumentStore store, SchemaState state, ILogger<SchemaInitializer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);
                state.Succeeded();
                logger.LogInformation("Store schema applied");
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                var reason = DatabaseProblem.Describe(exception);
                state.Failed(reason);
                logger.LogWarning("Store schema not applied yet: {Reason}; retrying in {Delay}", reason, delay);
                await Task.Delay(delay, stoppingToken); // real time, even under a test's fake clock
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }
}
