using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Identity.Pages;

[Authorize(Policy = Policies.Admin)]
public sealed class StaffListModel(CentreRegistry registry, IQuerySession session, TimeProvider time) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<UserAccount> Staff { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    private Guid _centreId;

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string? Code { get; private set; }

    public string? CodeFor { get; private set; }

    public IReadOnlyList<(Invitation Invitation, UserAccount Account)> Invitations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid centreId)
    {
        await Load(centreId);
        return Page();
    }

    public Task<IActionResult> OnPostAddAsync(Guid centreId, string? email, string? displayName, string[]? roles) => Act(centreId, async acting =>
    {
        var (account, code) = await registry.AddStaffAsync(centreId, email ?? "", displayName ?? "", ParseRoles(roles), acting, HttpContext.RequestAborted);
        if (code.Length > 0)
        {
            (Code, CodeFor) = (code, account.DisplayName);
        }
        else
        {
            Message = $"{account.SignInName} already has an account, so they have been sent an invitation: they accept it after signing in, and hold no role here until then.";
        }
    });

    public Task<IActionResult> OnPostRolesAsync(Guid centreId, Guid userId, string[]? roles) => Act(centreId, async acting =>
    {
        var account = await registry.SetRolesAsync(centreId, userId, ParseRoles(roles), acting, HttpContext.RequestAborted);
        Message = $"Saved the roles of {account.DisplayName}.";
    });

    public Task<IActionResult> OnPostResetAsync(Guid centreId, Guid userId) => Act(centreId, async acting =>
    {
        Code = await registry.IssueResetCodeAsync(centreId, userId, acting, HttpContext.RequestAborted);
        CodeFor = (await session.LoadAsync<UserAccount>(userId, HttpContext.RequestAborted))?.DisplayName;
    });

    public Task<IActionResult> OnPostWithdrawAsync(Guid centreId, Guid userId) => Act(centreId, async acting =>
    {
        await registry.WithdrawInvitationAsync(centreId, userId, acting, HttpContext.RequestAborted);
        Message = "The invitation was withdrawn.";
    });

    public Task ReloadAsync() => Load(_centreId);

    private async Task<IActionResult> Act(Guid centreId, Func<Acting, Task> action)
    {
        _centreId = centreId;
        await action(new Acting(User.Actor(), HttpContext.SourceAddress()));
        Response.Headers.CacheControl = "no-store";
        await Load(centreId);
        return Page();
    }

    private static List<Role> ParseRoles(string[]? names) =>
        (names ?? []).Select(name => Roles.TryParse(name, out var role) ? role : throw new RefusedException(RefusalKind.Invalid, $"'{name}' is not a role."))
            .Distinct().ToList();

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
#pragma warning disable CA1847 // Marten translates Contains(string) to SQL; Contains(char) it does not
        var staff = await session.Query<UserAccount>().Where(a => a.SignInName.Contains("@")).ToListAsync(HttpContext.RequestAborted);
#pragma warning restore CA1847
        // The awarding body's external verifier of the centre is not its staff: listed only if they also hold a role of the centre's.
        Staff = staff.Where(a => a.Memberships.Any(m => m.CentreId == centreId && m.Roles.Any(Roles.CentreStaff.Contains)))
            .OrderBy(a => a.DisplayName, StringComparer.Ordinal).ToList();
        Invitations = await registry.InvitationsSentAsync(centreId, HttpContext.RequestAborted);
    }
}
