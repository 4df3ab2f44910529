using AssessmentEngine.Web.Features.Identity;

namespace AssessmentEngine.Web.Features.Evidence;

// One stream per candidate's answer to a brief on an enrolment (Submission.IdFor). Every event says who and when.

/// <summary>Where a file stands with the virus scan: none configured, waiting for the scanner to return, or found clean.</summary>
public enum ScanState
{
    NotScanned,
    Pending,
    Clean,
}

/// <summary>A file as uploaded: what its content was found to be, its size and hash, and its words where the brief counts them.</summary>
public sealed record EvidenceFile(Guid Id, string Name, EvidenceKind Kind, long Bytes, string Sha256, int? Words, ScanState Scan);

/// <summary>The brief as the candidate saw it when they submitted: a later revision of the brief does not change what was answered.</summary>
public sealed record BriefRevision(string BriefId, string ContentHash, string Title, string Html);

/// <summary>An assessor's judgement of one statement or criterion the brief covers.</summary>
public sealed record CriterionJudgement(string Reference, bool Met, string Comment);

/// <summary>A file joins the candidate's draft (the first one starts the stream, so it says whose submission this is).</summary>
public sealed record EvidenceFileAdded(
    Guid SubmissionId, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, string BriefId, EvidenceFile File, string Actor, DateTimeOffset At);

/// <summary>A file that waited for the scanner was scanned: clean, or found infected and deleted (it leaves the draft).</summary>
public sealed record EvidenceFileScanned(Guid SubmissionId, Guid FileId, bool Clean, string? Signature, DateTimeOffset At);

public sealed record EvidenceFileRemoved(Guid SubmissionId, Guid FileId, string Actor, DateTimeOffset At);

/// <summary>The draft submitted as a new version, the candidate having declared the work their own.</summary>
public sealed record EvidenceSubmitted(
    Guid SubmissionId, Guid CentreId, int Version, IReadOnlyList<Guid> FileIds, BriefRevision Brief, string Declaration, string Actor, string SourceAddress, DateTimeOffset At)
    : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SubmissionId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} submitted version {Version} of their evidence for {Brief.Title} ({FileIds.Count} file(s)), declaring it their own";
}

/// <summary>An assessor's judgement of a version: each criterion met or not yet, with a comment, and feedback to the candidate.</summary>
public sealed record EvidenceJudged(
    Guid SubmissionId, Guid CentreId, int Version, IReadOnlyList<CriterionJudgement> Criteria, string Feedback, string Actor, string SourceAddress, DateTimeOffset At)
    : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SubmissionId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} judged version {Version} of a submission: {Criteria.Count(c => c.Met)} of {Criteria.Count} criteria met";
}

/// <summary>A judged version added to the internal verifier's sample: chosen by the centre's verifier, or drawn by the centre's sampling rule.</summary>
public sealed record EvidenceSampled(Guid SubmissionId, Guid CentreId, int Version, string Reason, string Actor, DateTimeOffset At);

/// <summary>The internal verifier's outcome on a judged version: agreeing with the assessor's judgement or not, with a comment (required when not).</summary>
public sealed record EvidenceVerified(Guid SubmissionId, Guid CentreId, int Version, bool Agrees, string Comment, string Actor, string SourceAddress, DateTimeOffset At)
    : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SubmissionId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} verified the judgement of version {Version} of a submission: {(Agrees ? "agrees" : "disagrees")}";
}

/// <summary>
/// A judged version counted for another unit its candidate is enrolled on at the centre (the seed's integration of
/// assessment): the statements of that unit it shows, and the assessor's comment on how.
/// </summary>
public sealed record EvidenceCrossReferenced(
    Guid SubmissionId, Guid CentreId, int Version, Guid EnrolmentId, string UnitCode, IReadOnlyList<string> Statements, string Comment, string Actor, string SourceAddress,
    DateTimeOffset At) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SubmissionId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} counted version {Version} of a submission for {UnitCode}, showing {string.Join(", ", Statements)}";
}

/// <summary>A file of the submission downloaded (by its candidate, an assessor or a verifier).</summary>
public sealed record EvidenceFileDownloaded(Guid SubmissionId, Guid CentreId, Guid FileId, string FileName, string Actor, string SourceAddress, DateTimeOffset At) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SubmissionId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} downloaded {FileName}";
}
