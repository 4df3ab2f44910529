using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Platform;

/// <summary>The platform operator's page: every centre, a new centre with its first exam officer, and the way to the jobs.</summary>
[Authorize(Policy = Policies.Operator)]
public sealed class OperatorHomeModel(PlatformOperator platform, IQuerySession session) : PageModel, IShowsRefusals
{
    public IReadOnlyList<(Centre Centre, int ExamOfficers)> Centres { get; private set; } = [];

    /// <summary>The awarding bodies' units in the bank, which centres may be offered.</summary>
    public IReadOnlyList<BankUnit> Units { get; private set; } = [];

    /// <summary>The awarding bodies named by the bank's units, and the people who author for each.</summary>
    public IReadOnlyList<(string Body, IReadOnlyList<UserAccount> Authors)> Bodies { get; private set; } = [];

    /// <summary>Each centre's external verifiers, by centre id.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<UserAccount>> ExternalVerifiers { get; private set; } = new Dictionary<Guid, IReadOnlyList<UserAccount>>();

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    /// <summary>The link a new exam officer opens to set their password (shown once).</summary>
    public string? Link { get; private set; }

    public string? LinkFor { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostCreateCentreAsync(string? number, string? name, string? timeZone, string[]? units, string? officerEmail, string? officerName) =>
        ActAsync(async acting =>
    {
        var (centre, officer, code) = await platform.CreateCentreAsync(number, name, timeZone, units ?? [], officerEmail, officerName, acting, HttpContext.RequestAborted);
        Message = $"Created {centre.Name} ({centre.Number}).";
        Invited(centre, officer, code);
    });

    public Task<IActionResult> OnPostInviteAsync(Guid centreId, string? officerEmail, string? officerName) => ActAsync(async acting =>
    {
        var centre = await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) ?? throw new RefusedException(RefusalKind.NotFound, "There is no such centre.");
        await InviteAsync(centre, officerEmail, officerName, acting);
    });

    public Task<IActionResult> OnPostOfferAsync(Guid centreId, string? unit, string? offer) => ActAsync(async acting =>
    {
        var centre = await platform.OfferUnitAsync(centreId, unit, offer != "stop", acting, HttpContext.RequestAborted);
        Message = offer == "stop" ? $"{centre.Name} no longer offers {unit}." : $"{centre.Name} offers {unit}.";
    });

    public Task<IActionResult> OnPostAuthoringAsync(string? email, string? awardingBody, string? grant) => ActAsync(async acting =>
    {
        var account = await platform.SetAuthoringAsync(email, awardingBody, grant != "withdraw", acting, HttpContext.RequestAborted);
        Message = grant == "withdraw"
            ? $"{account.DisplayName} no longer authors {awardingBody?.Trim()}'s item bank."
            : $"{account.DisplayName} authors {awardingBody?.Trim()}'s item bank.";
    });

    public Task<IActionResult> OnPostExternalVerifierAsync(string? email, string? displayName, Guid centreId, string? grant) => ActAsync(async acting =>
    {
        var withdraw = grant == "withdraw";
        var (account, code) = await platform.SetExternalVerifierAsync(email, displayName, centreId, !withdraw, acting, HttpContext.RequestAborted);
        var centre = await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted);
        Message = withdraw ? $"{account.DisplayName} no longer verifies {centre?.Name}." : $"{account.DisplayName} is the external verifier of {centre?.Name}.";
        if (code is not null)
        {
            Link = PlatformOperator.InvitationLink($"{Request.Scheme}://{Request.Host}", account, code);
            LinkFor = $"{account.DisplayName} ({account.SignInName}), external verifier of {centre?.Name}";
        }
    });

    public Task<IActionResult> OnPostResetAsync(string? email) => ActAsync(async acting =>
    {
        var (account, code) = await platform.IssueResetAsync(email ?? "", acting, HttpContext.RequestAborted);
        Link = PlatformOperator.InvitationLink($"{Request.Scheme}://{Request.Host}", account, code);
        LinkFor = $"{account.DisplayName} ({account.SignInName}), to set a new password";
    });

    private async Task InviteAsync(Centre centre, string? email, string? name, Acting acting)
    {
        var (account, code) = await platform.InviteExamOfficerAsync(centre.Id, email, name, acting, HttpContext.RequestAborted);
        Invited(centre, account, code);
    }

    private void Invited(Centre centre, UserAccount account, string code)
    {
        if (code.Length > 0)
        {
            Link = PlatformOperator.InvitationLink($"{Request.Scheme}://{Request.Host}", account, code);
            LinkFor = $"{account.DisplayName} ({account.SignInName}), exam officer at {centre.Name}";
        }
        else
        {
            Message = $"{Message} {account.SignInName} already has an account: they have been invited as exam officer at {centre.Name} and accept after signing in.".Trim();
        }
    }

    private async Task<IActionResult> ActAsync(Func<Acting, Task> act)
    {
        await act(new Acting(User.Actor(), HttpContext.SourceAddress()));
        Response.Headers.CacheControl = "no-store";
        await LoadAsync();
        return Page();
    }

    public Task ReloadAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var centres = await session.Query<Centre>().OrderBy(c => c.Name).ToListAsync(HttpContext.RequestAborted);
#pragma warning disable CA1847 // Marten translates Contains(string) to SQL; Contains(char) it does not
        var staff = await session.Query<UserAccount>().Where(a => a.SignInName.Contains("@")).ToListAsync(HttpContext.RequestAborted);
#pragma warning restore CA1847
        Centres = centres.Select(c => (c, staff.Count(a => a.Holds(Role.Admin, c.Id)))).ToList();
        ExternalVerifiers = centres.ToDictionary(c => c.Id,
            c => (IReadOnlyList<UserAccount>)staff.Where(a => a.Holds(Role.ExternalVerifier, c.Id)).OrderBy(a => a.SignInName, StringComparer.Ordinal).ToList());
        Units = (await session.Query<BankUnit>().OrderBy(u => u.Id).ToListAsync(HttpContext.RequestAborted)).Where(u => BankOwners.IsAwardingBody(u.OwnerId)).ToList();
        var owners = Units.Select(u => u.OwnerId).Concat(staff.SelectMany(a => a.AuthorFor ?? [])).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        Bodies = owners.Select(owner => (BankOwners.Describe(owner),
            (IReadOnlyList<UserAccount>)staff.Where(a => (a.AuthorFor ?? []).Contains(owner)).OrderBy(a => a.SignInName, StringComparer.Ordinal).ToList())).ToList();
    }
}
