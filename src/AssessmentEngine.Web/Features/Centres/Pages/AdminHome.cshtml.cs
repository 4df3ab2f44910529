using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Centres.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class AdminHomeModel(IQuerySession session, TimeProvider time) : PageModel
{
    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    public async Task OnGetAsync() => Centres = await session.WhereAsync(User, Role.Admin, HttpContext.RequestAborted);

    /// <summary>The centre's marking setting: names hidden from assessors (marking by candidate number only), or not.</summary>
    public Task<IActionResult> OnPostMarkingAsync(Guid centreId, bool anonymous, [FromServices] IDocumentStore store) =>
        ChangeAsync(store, centreId, centre => centre with { AnonymousMarking = anonymous }, "anonymous marking", anonymous ? "on" : "off");

    /// <summary>
    /// The identity provider whose single sign-on the centre accepts for its staff: its issuer, and the centre's tenant
    /// for a provider that serves many organisations. An empty issuer turns single sign-on off for the centre.
    /// </summary>
    public Task<IActionResult> OnPostSingleSignOnAsync(Guid centreId, string? issuer, string? tenant, [FromServices] IDocumentStore store)
    {
        issuer = issuer?.Trim() ?? "";
        tenant = string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();
        if (issuer.Length > 0 && (issuer.Length > 300 || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || (tenant?.Length ?? 0) > 100))
        {
            Problem = "Enter the provider's issuer as the https address it signs its tokens with (at most 300 characters), and a tenant of at most 100.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return ReloadAsync();
        }

        IReadOnlyList<TrustedProvider> providers = issuer.Length == 0 ? [] : [new TrustedProvider(issuer, tenant)];
        return ChangeAsync(store, centreId, centre => centre with { TrustedProviders = providers }, "single sign-on",
            issuer.Length == 0 ? "off" : $"{issuer}{(tenant is null ? "" : $" (tenant {tenant})")}");
    }

    public string? Problem { get; private set; }

    // A setting is a fact like any other: who changed it, to what, and when is in the centre's audit log.
    private async Task<IActionResult> ChangeAsync(IDocumentStore store, Guid centreId, Func<Centre, Centre> change, string setting, string value)
    {
        if (!User.Holds(Role.Admin, centreId))
        {
            return Forbid();
        }

        await using var write = store.LightweightSession();
        if (await write.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) is not { } centre)
        {
            return NotFound();
        }

        write.Store(change(centre));
        Audit.Record(write, new CentreSettingChanged(centreId, setting, value, User.Actor(), HttpContext.SourceAddress(), time.GetUtcNow()));
        await write.SaveChangesAsync(HttpContext.RequestAborted);
        return RedirectToPage();
    }

    private async Task<IActionResult> ReloadAsync()
    {
        await OnGetAsync();
        return Page();
    }
}
