namespace AssessmentEngine.Web.Features.Attempts.Admitting;

/// <summary>A candidate an action could not be taken for, and why (in words for the invigilator).</summary>
public sealed record CandidateRefusal(Guid CandidateId, string CandidateNumber, string Reason);

/// <summary>What admitting the ticked candidates did: how many were admitted now, how many already were, and who was refused and why.</summary>
public sealed record AdmissionSummary(int Admitted, int AlreadyAdmitted, IReadOnlyList<CandidateRefusal> Refused);
