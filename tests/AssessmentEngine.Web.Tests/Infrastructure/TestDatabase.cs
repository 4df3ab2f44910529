using Npgsql;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>A database of its own for one test class: created before its first test, dropped after its last.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public string Name { get; } = $"aet_{Guid.NewGuid():N}"[..20];

    public string ConnectionString => PostgresServer.ConnectionStringFor(Name);

    public Task InitializeAsync() => CreateAsync();

    public Task CreateAsync() => PostgresServer.ExecuteAsync($"create database \"{Name}\"");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.ExecuteAsync($"drop database if exists \"{Name}\" with (force)");
    }
}
