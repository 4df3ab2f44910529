using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace AssessmentEngine.Web.Infrastructure.Store;

/// <summary>A data-protection key, kept in PostgreSQL so that every node reads the sign-in and antiforgery cookies of every other.</summary>
public sealed record DataProtectionKey(string Id, string Xml);

/// <summary>
/// The key ring in the engine's database. Without it each node makes its own keys, and a candidate whose node dies is
/// signed out when the load balancer moves them to another: exactly when they should notice nothing.
/// </summary>
internal sealed class DatabaseKeyRepository(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // The interface is synchronous; it is called when the key ring is (re)loaded, rarely.
        using var session = store.QuerySession();
        return session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult().Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new DataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting)));
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

public static class SharedKeys
{
    public static IServiceCollection AddSharedKeys(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("assessment-engine");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new DatabaseKeyRepository(provider.GetRequiredService<IDocumentStore>())));
        return services;
    }

    public static StoreOptions ConfigureSharedKeys(this StoreOptions options)
    {
        options.Schema.For<DataProtectionKey>();
        return options;
    }
}
