using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>A data-protection key, kept in PostgreSQL so that every node reads the sign-in and antiforgery cookies of every other.</summary>
public sealed record DataProtectionKey(string Id, string Xml);

/// <summary>
/// The key ring in the engine's database. Without it each node makes its own keys, and a candidate whose node dies is
/// signed out when the load balancer moves them to another: exactly when they should notice nothing.
/// </summary>
/// <remarks>
/// The interface is synchronous (it is called when the key ring is loaded and when a key is made: rarely) and Marten's
/// sessions are asynchronous only, so the keys' document table is read and written with Npgsql's synchronous calls
/// rather than by blocking on a task.
/// </remarks>
internal sealed class DatabaseKeyRepository(NpgsqlDataSource database) : IXmlRepository
{
    private const string Table = $"{StoreSetup.Schema}.mt_doc_dataprotectionkey";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = database.CreateCommand($"select data ->> 'xml' from {Table}");
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }

        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // The document as Marten writes it (camel case), so that the table stays an ordinary Marten document table.
        using var command = database.CreateCommand(
            $"insert into {Table} (id, data, mt_dotnet_type) values ($1, jsonb_build_object('id', $1, 'xml', $2), $3) " +
            "on conflict (id) do update set data = excluded.data, mt_last_modified = transaction_timestamp()");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.Parameters.AddWithValue(typeof(DataProtectionKey).FullName!);
        command.ExecuteNonQuery();
    }
}

public static class SharedKeys
{
    public static IServiceCollection AddSharedKeys(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("assessment-engine");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new DatabaseKeyRepository(provider.GetRequiredService<NpgsqlDataSource>())));
        return services;
    }

    public static StoreOptions ConfigureSharedKeys(this StoreOptions options)
    {
        options.Schema.For<DataProtectionKey>();
        return options;
    }
}
