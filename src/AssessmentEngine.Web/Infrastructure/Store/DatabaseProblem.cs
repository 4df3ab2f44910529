using System.Net.Sockets;
using Npgsql;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>Turns a database exception into one sentence an operator can act on.</summary>
public static class DatabaseProblem
{
    public static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner is not (PostgresException or NpgsqlException or SocketException or TimeoutException) && inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner switch
        {
            PostgresException { SqlState: "3D000" } pg => $"the database does not exist ({pg.MessageText})",
            PostgresException { SqlState: "28P01" or "28000" } => "PostgreSQL refused the credentials",
            PostgresException { SqlState: "57P01" or "57P02" or "57P03" } pg => $"PostgreSQL is shutting down or starting up ({pg.MessageText})",
            PostgresException pg => $"PostgreSQL error {pg.SqlState}: {pg.MessageText}",
            NpgsqlException { InnerException: SocketException socket } => $"PostgreSQL is unreachable ({socket.Message})",
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => "PostgreSQL did not answer in time",
            NpgsqlException npgsql => $"PostgreSQL is unreachable ({npgsql.Message})",
            SocketException socket => $"PostgreSQL is unreachable ({socket.Message})",
            _ => exception.Message,
        };
    }
}
