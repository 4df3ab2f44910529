using Npgsql;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>The real PostgreSQL that ./ae test starts. There is no fallback: without it the tests fail and say how to start it.</summary>
public static class PostgresServer
{
    public const string Variable = "AE_TEST_POSTGRES";

    public static string AdminConnectionString
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new InvalidOperationException(
                    $"{Variable} is not set. Run the tests with ./ae test (it starts a private PostgreSQL and sets it), " +
                    $"or set {Variable} to a connection string for a PostgreSQL 15 superuser and its 'postgres' database.");
            }

            return text;
        }
    }

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
