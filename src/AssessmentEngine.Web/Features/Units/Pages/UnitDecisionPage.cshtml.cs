using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Units.Countersigning;
using AssessmentEngine.Web.Features.Units.Deciding;
using AssessmentEngine.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.Units.Pages;

/// <summary>
/// A candidate's unit decision as the centre's assessors (who decide it, signing the unit progress record) and internal
/// verifiers (who countersign it) see it: what is in and what is missing, what informs the decision, every decision so
/// far with its plan, sample, countersignature and release.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class UnitDecisionPageModel(UnitsForStaff units) : PageModel, IShowsRefusals
{
    /// <summary>Rows of the assessment plan's form.</summary>
    public const int PlanRows = 3;

    public UnitForStaff Found { get; private set; } = null!;

    public bool Assessing { get; private set; }

    public string? Problem { get; set; }

    public string? Message { get; private set; }

    public string When(DateTimeOffset at) => Enrolments.CentreTime.Show(at, Found.Found.Centre.Zone);

    public async Task<IActionResult> OnGetAsync(string area, Guid enrolmentId)
    {
        try
        {
            await LoadAsync(area, enrolmentId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        Message = TempData["message"] as string;
        return Page();
    }

    public Task<IActionResult> OnPostDecideAsync(string area, Guid enrolmentId, string? decision, string? justification, string[]? what, string[]? by,
        bool newTestOccasion, [FromServices] DecideUnit deciding) =>
        ActAsync(area, "assess", enrolmentId, async () =>
        {
            var plan = Plan(what ?? [], by ?? []);
            var decided = await deciding.HandleAsync(User, enrolmentId, new UnitDecisionForm(decision, justification, plan, newTestOccasion), HttpContext.RequestAborted);
            return decided.Decision == Attempts.Decisions.Competent
                ? "Competent recorded and the unit progress record signed. The exam officer releases the result (after countersignature if it is sampled)."
                : "Not yet competent recorded with the assessment plan. The exam officer releases it to the candidate with the plan.";
        });

    public Task<IActionResult> OnPostCountersignAsync(string area, Guid enrolmentId, bool? agrees, string? comment, [FromServices] CountersignUnit countersigning) =>
        ActAsync(area, "verify", enrolmentId, async () =>
        {
            await countersigning.HandleAsync(User, enrolmentId, agrees, comment, HttpContext.RequestAborted);
            return agrees == true ? "Countersigned." : "Your disagreement is recorded; the assessor decides again.";
        });

    /// <summary>The plan's rows as the form gives them: blank rows are skipped; a row with words needs a valid date.</summary>
    private static List<PlanAction> Plan(string[] what, string[] by)
    {
        var plan = new List<PlanAction>();
        for (var i = 0; i < Math.Min(what.Length, UnitDecisions.MaxPlanActions + 1); i++)
        {
            if (string.IsNullOrWhiteSpace(what[i]))
            {
                continue;
            }

            if (i >= by.Length || !DateOnly.TryParseExact(by[i], "yyyy-MM-dd", out var day))
            {
                throw new RefusedException(RefusalKind.Invalid, $"Give the date \"{what[i].Trim()}\" is due by.");
            }

            plan.Add(new PlanAction(what[i], day));
        }

        return plan;
    }

    /// <summary>An action of one area: deciding the assessor's, countersigning the verifier's; the other area answers "not found".</summary>
    private async Task<IActionResult> ActAsync(string area, string actionsArea, Guid enrolmentId, Func<Task<string>> act)
    {
        if (area != actionsArea)
        {
            return NotFound();
        }

        try
        {
            await LoadAsync(area, enrolmentId);
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }

        TempData["message"] = await act();
        return RedirectToPage(new { area, enrolmentId });
    }

    private string _area = "";
    private Guid _enrolmentId;

    public Task ReloadAsync() => LoadAsync(_area, _enrolmentId);

    public int StatusFor(RefusedException refused) => refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    private async Task LoadAsync(string area, Guid enrolmentId)
    {
        (_area, _enrolmentId) = (area, enrolmentId);
        Assessing = area == "assess";
        Found = await units.LoadAsync(User, Assessing ? Role.Assessor : Role.Verifier, enrolmentId, HttpContext.RequestAborted);
    }
}
