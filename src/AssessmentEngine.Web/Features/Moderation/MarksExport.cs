using AssessmentEngine.Web.Features.Identity;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace AssessmentEngine.Web.Features.Moderation;

public enum ExportStatus { Requested, Running, Ready, Failed }

/// <summary>
/// A moderation export: its filters (a centre, one unit or all, the days in the centre's time zone, both included), who
/// asked and when, and once produced what it holds. The files themselves are in <see cref="ExportFiles"/>.
/// </summary>
public sealed record MarksExport(
    Guid Id, Guid CentreId, string? UnitCode, DateOnly From, DateOnly To, string RequestedBy, DateTimeOffset RequestedAt, bool Nightly)
{
    public ExportStatus Status { get; init; } = ExportStatus.Requested;

    public DateTimeOffset? ProducedAt { get; init; }

    public WorkbookCounts? Counts { get; init; }

    public long XlsxBytes { get; init; }

    public long CsvBytes { get; init; }

    public string? Failure { get; init; }

    public string Describe() => $"the moderation workbook for {UnitCode ?? "all units"}, {From:yyyy-MM-dd} to {To:yyyy-MM-dd}";

    public string FileName(string centreNumber, string extension) =>
        $"moderation-{centreNumber}-{(UnitCode ?? "all-units").Replace(' ', '-')}-{From:yyyyMMdd}-{To:yyyyMMdd}.{extension}";
}

/// <summary>Somebody (or the nightly job) asked for a moderation export.</summary>
public sealed record ExportRequested(Guid ExportId, Guid CentreId, string What, string Actor, string SourceAddress, DateTimeOffset RequestedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => ExportId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => RequestedAt;
    public string Describe() => $"{Actor} requested {What}";
}

public sealed record ExportProduced(Guid ExportId, Guid CentreId, string What, int Attempts, long Bytes, string Actor, string SourceAddress, DateTimeOffset ProducedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => ExportId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => ProducedAt;
    public string Describe() => $"{What} was produced: {Attempts} attempt(s), {Bytes:N0} bytes";
}

public sealed record ExportDownloaded(Guid ExportId, Guid CentreId, string What, string Format, string Actor, string SourceAddress, DateTimeOffset DownloadedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => ExportId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => DownloadedAt;
    public string Describe() => $"{Actor} downloaded {What} as {Format}";
}

/// <summary>
/// The exports' files in PostgreSQL, in chunks of a few megabytes (a bytea row each), so that neither writing nor
/// reading a file of hundreds of megabytes holds more than one chunk in memory.
/// </summary>
public sealed class ExportFiles(NpgsqlDataSource dataSource)
{
    public const string Table = "moderation_export_files";
    private const int ChunkSize = 4 << 20;
    private static readonly string Qualified = $"{Infrastructure.Store.StoreSetup.Schema}.{Table}";

    public static Table Definition()
    {
        var table = new Table(new PostgresqlObjectName(Infrastructure.Store.StoreSetup.Schema, Table, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("export_id").AsPrimaryKey();
        table.AddColumn("kind", "text").AsPrimaryKey();
        table.AddColumn<int>("chunk").AsPrimaryKey();
        table.AddColumn("data", "bytea").NotNull();
        return table;
    }

    /// <summary>Stores a file (replacing one of the same kind) and returns its length.</summary>
    public async Task<long> StoreAsync(Guid exportId, string kind, Stream content, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand($"delete from {Qualified} where export_id = $1 and kind = $2", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = exportId });
            delete.Parameters.Add(new NpgsqlParameter { Value = kind });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var buffer = new byte[ChunkSize];
        long length = 0;
        for (var chunk = 0; ; chunk++)
        {
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (read == 0 && chunk > 0)
            {
                break;
            }

            await using var insert = new NpgsqlCommand($"insert into {Qualified} (export_id, kind, chunk, data) values ($1, $2, $3, $4)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = exportId });
            insert.Parameters.Add(new NpgsqlParameter { Value = kind });
            insert.Parameters.Add(new NpgsqlParameter { Value = chunk });
            insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = buffer.AsMemory(0, read), NpgsqlDbType = NpgsqlDbType.Bytea });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            length += read;
            if (read < buffer.Length)
            {
                break;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return length;
    }

    /// <summary>Copies a stored file to <paramref name="destination"/>, chunk by chunk; false when there is none.</summary>
    public async Task<bool> CopyToAsync(Guid exportId, string kind, Stream destination, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"select data from {Qualified} where export_id = $1 and kind = $2 order by chunk", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = exportId });
        select.Parameters.Add(new NpgsqlParameter { Value = kind });
        await using var reader = await select.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        var any = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            any = true;
            await using var data = await reader.GetStreamAsync(0, cancellationToken);
            await data.CopyToAsync(destination, cancellationToken);
        }

        return any;
    }
}

public static class ModerationStore
{
    public static StoreOptions ConfigureModeration(this StoreOptions options)
    {
        options.Schema.For<MarksExport>().Index(e => e.CentreId).Index(e => e.RequestedAt);
        options.Storage.ExtendedSchemaObjects.Add(ExportFiles.Definition());
        return options;
    }
}
