namespace AssessmentEngine.Web.Features.Identity;

/// <summary>An approved centre: its awarding-body centre number and the time zone its windows and sittings are in.</summary>
/// <paramref name="AnonymousMarking"/>: assessors see candidate numbers only, not names.
/// <paramref name="TrustedProviders"/>: the identity providers whose single sign-on the centre accepts for its staff.
/// <paramref name="OfferedUnits"/>: the awarding bodies' units the platform operator offers the centre; it also sits its own bank's units.
public sealed record Centre(Guid Id, string Name, string Number, string TimeZone, bool AnonymousMarking = false, IReadOnlyList<TrustedProvider>? TrustedProviders = null,
    IReadOnlyList<string>? OfferedUnits = null)
{
    public const string DefaultTimeZone = "Europe/London";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Whether the centre's candidates may be enrolled on the unit and sit it.</summary>
    public bool Offers(string unitCode, string unitOwner) =>
        (OfferedUnits ?? []).Contains(unitCode, StringComparer.Ordinal) || unitOwner == BankOwners.ForCentre(Id);

    /// <summary>Whether an id token from this issuer (and tenant, where the provider has them) may sign in this centre's staff.</summary>
    public bool Trusts(string issuer, string? tenant) =>
        (TrustedProviders ?? []).Any(p => string.Equals(p.Issuer.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal)
            && (p.Tenant is null || string.Equals(p.Tenant, tenant, StringComparison.Ordinal)));
}

/// <summary>An identity provider a centre trusts: its issuer, and the centre's own tenant when the provider serves many organisations.</summary>
public sealed record TrustedProvider(string Issuer, string? Tenant);
