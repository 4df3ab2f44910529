using System.Buffers;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace AssessmentEngine.Web.Features.Evidence.Storing;

/// <summary>
/// Evidence files in PostgreSQL: a row per piece of at most <see cref="PieceSize"/> bytes, keyed by the file and the
/// offset it starts at. An upload's request body is read a piece at a time and each piece committed as it arrives, so a
/// connection cut mid-request loses at most the piece in flight, and nothing holds more than one piece in memory.
/// Two writers at the same offset collide on the key: one wins, the other is told where the file now ends.
/// </summary>
public sealed class PostgresEvidenceFiles(NpgsqlDataSource dataSource) : IEvidenceFileStore
{
    public const string Table = "evidence_file_pieces";
    public const int PieceSize = 1 << 20;
    private static readonly string Qualified = $"{Infrastructure.Store.StoreSetup.Schema}.{Table}";

    public static Table Definition()
    {
        var table = new Table(new PostgresqlObjectName(Infrastructure.Store.StoreSetup.Schema, Table, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("file_id").AsPrimaryKey();
        table.AddColumn<long>("start").AsPrimaryKey();
        table.AddColumn<int>("length").NotNull();
        table.AddColumn("data", "bytea").NotNull();
        return table;
    }

    public async Task<long> AppendAsync(Guid fileId, long offset, Stream content, long limit, CancellationToken cancellationToken)
    {
        var length = await LengthAsync(fileId, cancellationToken);
        if (length != offset)
        {
            throw new OffsetMismatchException(length);
        }

        // A piece's buffer from the shared pool: a new 1 MB array per PATCH is large-object garbage, and 50 uploads of
        // 20 MB at once then made 16 full collections and left the large object heap fragmented (docs/performance.md).
        var buffer = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            return await AppendPiecesAsync(fileId, length, content, limit, buffer, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<long> AppendPiecesAsync(Guid fileId, long length, Stream content, long limit, byte[] buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await ReadPieceAsync(content, buffer, cancellationToken);
            if (read == 0)
            {
                return length;
            }

            if (length + read > limit)
            {
                throw new InvalidDataException($"More than the {limit:N0} bytes announced.");
            }

            await using var insert = dataSource.CreateCommand($"insert into {Qualified} (file_id, start, length, data) values ($1, $2, $3, $4)");
            insert.Parameters.Add(new NpgsqlParameter { Value = fileId });
            insert.Parameters.Add(new NpgsqlParameter { Value = length });
            insert.Parameters.Add(new NpgsqlParameter { Value = read });
            insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = buffer.AsMemory(0, read), NpgsqlDbType = NpgsqlDbType.Bytea });
            try
            {
                // Not the request's token: a piece read whole is kept even when the client goes away straight after.
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new OffsetMismatchException(await LengthAsync(fileId, CancellationToken.None));
            }

            length += read;
        }
    }

    /// <summary>
    /// Fills the buffer or reads to the end. A cut connection ends the read with what had arrived: a whole piece is
    /// kept, a part of one is dropped (the client sends it again from the offset the store reports).
    /// </summary>
    private static async Task<int> ReadPieceAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await content.ReadAtLeastAsync(buffer.AsMemory(0, PieceSize), PieceSize, throwOnEndOfStream: false, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionResetException
                                              or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return 0;
        }
    }

    public async Task<long> LengthAsync(Guid fileId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"select coalesce(max(start + length), 0) from {Qualified} where file_id = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = fileId });
        return (long)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CopyToAsync(Guid fileId, Stream destination, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"select data from {Qualified} where file_id = $1 order by start", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = fileId });
        await using var reader = await select.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var data = await reader.GetStreamAsync(0, cancellationToken);
            await data.CopyToAsync(destination, cancellationToken);
        }
    }

    public async Task DeleteAsync(Guid fileId, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"delete from {Qualified} where file_id = $1");
        delete.Parameters.Add(new NpgsqlParameter { Value = fileId });
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
