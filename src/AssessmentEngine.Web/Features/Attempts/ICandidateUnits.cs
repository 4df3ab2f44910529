using AssessmentEngine.Web.Features.Identity;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>One of the candidate's units as their home lists it: where it stands, in the words the candidate reads.</summary>
public sealed record CandidateUnitStatus(string UnitCode, string Title, string Status);

/// <summary>
/// What the candidate's home needs from their units. Units answers it (units use attempts, so attempts name no unit
/// type): each unit the candidate is enrolled on, and where it stands.
/// </summary>
public interface ICandidateUnits
{
    Task<IReadOnlyList<CandidateUnitStatus>> ForAsync(Candidate candidate, CancellationToken cancellationToken);
}
