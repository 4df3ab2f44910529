using Npgsql;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>What the event store holds, read with plain SQL: a check that does not go through the code under test.</summary>
public static class StoredEvents
{
    /// <summary>How many events of a type (Marten's snake_case name, e.g. "answer_saved") a stream holds.</summary>
    public static async Task<long> CountAsync(string connectionString, Guid stream, string type)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ae.mt_events where stream_id = @id and type = @type", connection);
        command.Parameters.AddWithValue("id", stream);
        command.Parameters.AddWithValue("type", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
