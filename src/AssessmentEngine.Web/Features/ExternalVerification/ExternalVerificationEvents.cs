namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>What an external verifier can sample: a decided online test, a judged version of evidence, a unit decision.</summary>
public enum SampleKind
{
    TestAttempt,
    Evidence,
    Unit,
}

/// <summary>
/// A centre's decision as the external verifier sampled it, kept as it stood then: which (kind, subject, and the version of
/// evidence; 0 otherwise), whose, what was decided and by whom, the internal verifier's outcome if any, and the accounts
/// that made or verified it (none of whom may verify it externally).
/// </summary>
public sealed record SampledDecision(SampleKind Kind, Guid SubjectId, int Version, string UnitCode, string Candidate, string Description, string Decision,
    string Assessor, string? InternalVerifier, string? InternalOutcome, DateTimeOffset DecidedAt, IReadOnlyList<Guid> MadeBy)
{
    public bool Is(SampleKind kind, Guid subjectId, int version) => Kind == kind && SubjectId == subjectId && Version == version;
}

/// <summary>Something the centre is to do after a sample, by a day if the verifier gives one.</summary>
public sealed record CentreAction(string Text, DateOnly? Due);

/// <summary>An external verifier began a visit (a report) for a centre: its first sample opens it.</summary>
public sealed record ExternalVerificationOpened(Guid VerificationId, Guid CentreId, Guid VerifierId, string Verifier, DateTimeOffset OpenedAt);

/// <summary>The external verifier's outcome for one sampled decision: agree or not, a comment, and actions for the centre. A second one for the same decision replaces the first.</summary>
public sealed record ExternalSampleRecorded(Guid VerificationId, Guid CentreId, SampledDecision Sample, bool Agrees, string Comment, IReadOnlyList<CentreAction> Actions,
    Guid VerifierId, string Verifier, DateTimeOffset RecordedAt);

/// <summary>The external verifier issued the visit's report: from now on the centre sees it, and nothing in it changes.</summary>
public sealed record ExternalVerificationReportIssued(Guid VerificationId, Guid CentreId, string Summary, Guid VerifierId, string Verifier, DateTimeOffset IssuedAt);
