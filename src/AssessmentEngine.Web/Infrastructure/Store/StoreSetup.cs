using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.Events.Daemon;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Awards;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.ExternalVerification;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Units;
using Marten;
using JasperFx.Events;
using Npgsql;
using Weasel.Core;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>PostgreSQL through Marten: the only store. Features add their events and projections with ConfigureMarten.</summary>
public static class StoreSetup
{
    public const string ConnectionStringName = "Postgres";
    public const string Schema = "ae";

    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration, NodeRoles roles)
    {
        var connectionString = PostgresConnectionString(configuration);

        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());

        var marten = services.AddMarten(options =>
            {
                options.DatabaseSchemaName = Schema;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, configure: json =>
                    json.Converters.Add(new JsonStringEnumConverter()));

                // Attempt streams take many small appends; the quick mode avoids the extra round trips.
                options.Events.AppendMode = EventAppendMode.Quick;
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                options.Events.UseMandatoryStreamTypeDeclaration = false;

                // Only SchemaInitializer creates schema (it retries, so nodes starting together converge); nothing is
                // created lazily on first use, where it would race the initialiser and other nodes.
                options.AutoCreateSchemaObjects = AutoCreate.None;

                // Each feature declares its events, documents and projections.
                options.ConfigureItemBank();
                options.ConfigureIdentity();
                options.ConfigureEnrolments();
                options.ConfigureSittings();
                options.ConfigureAttempts();
                options.ConfigureInvigilation();
                options.ConfigureNotifications();
                options.ConfigureModeration();
                options.ConfigureEvidence();
                options.ConfigureUnits();
                options.ConfigureAwards();
                options.ConfigureExternalVerification();
                options.ConfigureSharedKeys();
                options.Schema.For<AssessmentEngine.Web.Features.Invigilation.Presence>().Index(p => p.SittingId);
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions();

        if (roles.Worker)
        {
            // Solo: exactly one worker node runs async projections (HotCold, which would let several compete, is not tried yet).
            marten.AddAsyncDaemon(DaemonMode.Solo);
        }

        services.AddSharedKeys();
        services.AddExceptionHandler<DatabaseUnavailable>();
        services.AddSingleton<SchemaState>();
        services.AddHostedService<SchemaInitializer>();
        return services;
    }

    public static string PostgresConnectionString(IConfiguration configuration)
    {
        var text = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Start the engine with ./ae up (it runs its own PostgreSQL), " +
                $"or set ConnectionStrings__{ConnectionStringName} to a PostgreSQL 15 connection string.");
        }

        var builder = new NpgsqlConnectionStringBuilder(text);
        // Fail fast when the database is away, so that requests and the health check answer instead of hanging.
        if (!text.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }

        builder.ApplicationName ??= "assessment-engine";
        return builder.ConnectionString;
    }
}
