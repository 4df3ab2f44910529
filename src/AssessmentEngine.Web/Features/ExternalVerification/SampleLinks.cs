using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;

namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>Where a sampled decision opens for the external verifier, and times as the centre reads them.</summary>
public static class SampleLinks
{
    public static string Slug(SampleKind kind) => kind switch
    {
        SampleKind.TestAttempt => "attempt",
        SampleKind.Evidence => "evidence",
        _ => "unit",
    };

    public static SampleKind? KindOf(string? slug) => slug switch
    {
        "attempt" => SampleKind.TestAttempt,
        "evidence" => SampleKind.Evidence,
        "unit" => SampleKind.Unit,
        _ => null,
    };

    public static string Path(Guid centreId, SampledDecision decision) =>
        $"/external/centres/{centreId}/samples/{Slug(decision.Kind)}/{decision.SubjectId}{(decision.Kind == SampleKind.TestAttempt ? "" : $"?version={decision.Version}")}";

    public static string Show(DateTimeOffset at, Centre centre) => CentreTime.Show(at, centre.Zone);
}
