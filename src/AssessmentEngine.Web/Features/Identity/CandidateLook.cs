namespace AssessmentEngine.Web.Features.Identity;

/// <summary>How a candidate's pages look: large text and high contrast on by default where their adjustments say so.</summary>
public static class CandidateLook
{
    public static string BodyClass(Candidate? candidate) => string.Join(' ',
        new[] { candidate?.Adjustments.LargeText == true ? "large-text" : null, candidate?.Adjustments.HighContrast == true ? "high-contrast" : null }
            .Where(c => c is not null));
}
