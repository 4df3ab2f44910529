using AssessmentEngine.Web.Features.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ExternalVerification.Pages;

/// <summary>The external verifier's home: the centres the platform operator granted them, each with its sampling and its moderation workbook.</summary>
[Authorize(Policy = Policies.ExternalVerifier)]
public sealed class ExternalHomeModel(IQuerySession session) : PageModel
{
    public IReadOnlyList<Centre> Centres { get; private set; } = [];

    public async Task OnGetAsync() =>
        Centres = [.. (await session.LoadManyAsync<Centre>(HttpContext.RequestAborted, [.. User.CentresWhere(Role.ExternalVerifier)])).OrderBy(c => c.Name, StringComparer.Ordinal)];
}
