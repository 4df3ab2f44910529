using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Judging;
using AssessmentEngine.Web.Features.ExternalVerification.Recording;
using AssessmentEngine.Web.Features.ExternalVerification.Sampling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AssessmentEngine.Web.Features.ExternalVerification.Pages;

/// <summary>
/// One decision of the centre as the external verifier samples it: a read-only summary of the marks and decision, or of the
/// judgement or of the unit decision, with the internal verification or countersignature; and the form for their outcome, comment and actions for the centre.
/// </summary>
[Authorize(Policy = Policies.ExternalVerifier)]
public sealed class SampleDecisionModel(IQuerySession session, SampleableDecisions sampleable, MarkedAttempts attempts, EvidenceForAssessors evidence)
    : PageModel, IShowsRefusals
{
    /// <summary>Rows of actions the form offers.</summary>
    public const int ActionRows = 3;

    public int ActionRowsToShow => Math.Max(ActionRows, Recorded?.Actions.Count ?? 0);

    public Centre Centre { get; private set; } = null!;

    public SampledDecision Decision { get; private set; } = null!;

    public MarkedAttempt? Attempt { get; private set; }

    public SubmissionForStaff? Evidence { get; private set; }

    public SubmittedVersion? Version { get; private set; }

    /// <summary>The unit decision sampled, with its countersignature and plan.</summary>
    public UnitDecision? UnitDecision { get; private set; }

    /// <summary>What the verifier recorded for this decision in their draft, if anything.</summary>
    public ExternalSample? Recorded { get; private set; }

    public bool TheirOwn => Decision.MadeBy.Contains(User.Id());

    public string? Problem { get; set; }

    private (Guid CentreId, string Kind, Guid SubjectId, int Version) _asked;

    public async Task<IActionResult> OnGetAsync(Guid centreId, string kind, Guid subjectId, int? version) =>
        await LoadAsync(centreId, kind, subjectId, version ?? 0) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid centreId, string kind, Guid subjectId, int? version, string? outcome, string? comment, string[]? actions, string[]? due,
        [FromServices] RecordExternalSample recording)
    {
        if (!await LoadAsync(centreId, kind, subjectId, version ?? 0))
        {
            return NotFound();
        }

        var inputs = (actions ?? []).Select((text, i) => new CentreActionInput(text, i < (due ?? []).Length ? due![i] : null)).ToList();
        await recording.HandleAsync(centreId, Decision.Kind, subjectId, Decision.Version, outcome, comment, inputs, User, HttpContext.RequestAborted);
        return Redirect($"/external/centres/{centreId}?done=recorded");
    }

    public int StatusFor(RefusedException refused) =>
        refused.Kind == RefusalKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;

    public Task ReloadAsync() => LoadAsync(_asked.CentreId, _asked.Kind, _asked.SubjectId, _asked.Version);

    private async Task<bool> LoadAsync(Guid centreId, string kind, Guid subjectId, int version)
    {
        _asked = (centreId, kind, subjectId, version);
        var sampleKind = SampleLinks.KindOf(kind);
        if (sampleKind is null || await session.LoadAsync<Centre>(centreId, HttpContext.RequestAborted) is not { } centre)
        {
            return false;
        }

        try
        {
            Decision = await sampleable.FindAsync(centreId, sampleKind.Value, subjectId, sampleKind == SampleKind.TestAttempt ? 0 : version, HttpContext.RequestAborted);
            if (sampleKind == SampleKind.TestAttempt)
            {
                Attempt = await attempts.LoadAsync(subjectId, Role.ExternalVerifier, User, HttpContext.RequestAborted);
            }
            else if (sampleKind == SampleKind.Evidence)
            {
                Evidence = await evidence.OwnAsync(User, Role.ExternalVerifier, subjectId, HttpContext.RequestAborted);
                Version = Evidence.Submission.Versions.First(v => v.Number == version);
            }
            else
            {
                var outcome = await session.LoadAsync<UnitOutcome>(subjectId, HttpContext.RequestAborted);
                UnitDecision = outcome?.Decisions.FirstOrDefault(d => d.Number == version);
            }
        }
        catch (RefusedException refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return false;
        }

        Centre = centre;
        var draft = (await ExternalReport.OfAsync(session, centreId, User.Id(), HttpContext.RequestAborted)).FirstOrDefault(r => !r.Issued);
        Recorded = draft?.Samples.FirstOrDefault(s => s.Sample.Is(Decision.Kind, Decision.SubjectId, Decision.Version));
        return true;
    }
}
