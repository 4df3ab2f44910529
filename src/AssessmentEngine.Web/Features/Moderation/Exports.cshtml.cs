using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Moderation.Listing;
using AssessmentEngine.Web.Features.Moderation.Requesting;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Moderation;

/// <summary>The moderation exports at a centre, for its internal verifiers and its external verifier: ask for one, see the stored ones, download them.</summary>
[Authorize(Policy = Policies.Moderator)]
public sealed class ExportsModel(CentreExports exports, CentreRegistry registry, IQuerySession session) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<AssessmentEngine.ItemBank.Unit> Units { get; private set; } = [];

    public IReadOnlyList<MarksExport> List { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public string? Problem { get; set; }

    public Guid? Requested { get; private set; }

    public async Task OnGetAsync(Guid centreId, Guid? requested)
    {
        await Load(centreId);
        Requested = requested;
    }

    public async Task<IActionResult> OnPostAsync(Guid centreId, string? unit, DateOnly? from, DateOnly? to, [FromServices] RequestExport requesting)
    {
        await Load(centreId);
        var export = await requesting.HandleAsync(centreId, unit, from, to, new Acting(User.Actor(), HttpContext.SourceAddress()), HttpContext.RequestAborted);
        return Redirect($"/verify/centres/{centreId}/exports?requested={export.Id}");
    }

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Units = await session.UnitsAsync(Centre.Offers, HttpContext.RequestAborted);
        List = await exports.HandleAsync(centreId, HttpContext.RequestAborted);
        Today = exports.Today(Centre);
    }
}
