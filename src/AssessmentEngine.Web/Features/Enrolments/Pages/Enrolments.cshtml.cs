using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Enrolments.Pages;

public sealed record EnrolmentRow(Enrolment Enrolment, Candidate Candidate);

[Authorize(Policy = Policies.Admin)]
public sealed class EnrolmentsModel(CentreRegistry registry, IQuerySession session, TimeProvider time) : PageModel, IShowsRefusals
{
    public Centre Centre { get; private set; } = null!;

    public IReadOnlyList<BankUnit> Units { get; private set; } = [];

    public IReadOnlyList<EnrolmentRow> Rows { get; private set; } = [];

    public IReadOnlyList<EnrolmentRow> ClosingSoon => Rows
        .Where(r => r.Enrolment is { Closed: false, Window: { } w } && w.Closes > time.GetUtcNow() && w.Closes <= time.GetUtcNow().AddDays(14))
        .OrderBy(r => r.Enrolment.Window!.Closes).ToList();

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync(Guid centreId) => await Load(centreId);

    public Task<IActionResult> OnPostEnrolAsync(Guid centreId, string? unit, string? numbers, [FromServices] EnrolCandidates enrolling) => Act(centreId, async acting =>
    {
        var candidates = await session.Query<Candidate>().Where(c => c.CentreId == centreId).ToListAsync(HttpContext.RequestAborted);
        var wanted = (numbers ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToUpperInvariant()).ToHashSet();
        var unknown = wanted.Except(candidates.Select(c => c.CandidateNumber)).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"No candidate here has the number(s) {string.Join(", ", unknown.Take(20))}; nobody was enrolled.");
        }

        var chosen = wanted.Count == 0 ? candidates : candidates.Where(c => wanted.Contains(c.CandidateNumber)).ToList();
        var count = await enrolling.HandleAsync(centreId, unit ?? "", chosen.Select(c => c.Id).ToList(), acting, HttpContext.RequestAborted);
        Message = $"Enrolled {count} candidate(s) on {unit}{(chosen.Count > count ? $"; {chosen.Count - count} already were" : "")}.";
    });

    public Task<IActionResult> OnPostAgreeAsync(Guid centreId, Guid enrolmentId, DateOnly? start, string? agreedWith, [FromServices] AgreeWindow agreeing) => Act(centreId, async acting =>
    {
        var enrolment = await agreeing.HandleAsync(centreId, enrolmentId, start ?? throw new RefusedException(RefusalKind.Invalid, "Give the agreed start date."),
            agreedWith ?? "", acting, HttpContext.RequestAborted);
        Message = $"Window agreed: it closes {CentreTime.Show(enrolment.Window!.Closes, Centre.Zone)}.";
    });

    public Task<IActionResult> OnPostExtendAsync(Guid centreId, Guid enrolmentId, DateOnly? lastDay, string? reason, [FromServices] ExtendWindow extending) => Act(centreId, async acting =>
    {
        var enrolment = await extending.HandleAsync(centreId, enrolmentId, lastDay ?? throw new RefusedException(RefusalKind.Invalid, "Give the new last day."),
            reason, acting, HttpContext.RequestAborted);
        Message = $"Window extended: it now closes {CentreTime.Show(enrolment.Window!.Closes, Centre.Zone)}.";
    });

    private async Task<IActionResult> Act(Guid centreId, Func<Acting, Task> action)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        await action(new Acting(User.Actor(), HttpContext.SourceAddress()));
        await Load(centreId);
        return Page();
    }

    public Task ReloadAsync() => Load(Centre.Id);

    private async Task Load(Guid centreId)
    {
        Centre = await registry.CentreAsync(centreId, HttpContext.RequestAborted);
        Units = (await session.Query<BankUnit>().OrderBy(u => u.Id).ToListAsync(HttpContext.RequestAborted)).Where(Centre.Offers).ToList();
        var list = await session.Query<Enrolment>().Where(e => e.CentreId == centreId).ToListAsync(HttpContext.RequestAborted);
        var candidates = (await session.LoadManyAsync<Candidate>(HttpContext.RequestAborted, list.Select(e => e.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        Rows = list.Where(e => candidates.ContainsKey(e.CandidateId)).Select(e => new EnrolmentRow(e, candidates[e.CandidateId]))
            .OrderBy(r => r.Enrolment.UnitCode, StringComparer.Ordinal).ThenBy(r => r.Candidate.CandidateNumber, StringComparer.Ordinal).ToList();
    }
}
