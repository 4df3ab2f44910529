namespace AssessmentEngine.Web.Features.Evidence.Uploading;

/// <summary>
/// An upload: the file being received for a candidate's draft, how long it will be and whose it is. A transfer, not a
/// fact: once the file is whole it is checked and joins the draft as an event. The upload is then kept as complete
/// (<see cref="CompletedAt"/>) for a while, so that a page which lost the answer to its last piece and asks again is told
/// the file is whole rather than that there is no such upload; <see cref="AbandonedUploadsJob"/> clears it.
/// </summary>
public sealed record EvidenceUpload(Guid Id, Guid SubmissionId, Guid EnrolmentId, string BriefId, Guid CandidateId, string FileName, long Length, DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt = null);

/// <summary>A file kept while the virus scanner was away: scanned when it returns, never released before.</summary>
public sealed record PendingScan(Guid Id, Guid SubmissionId, Guid CentreId, DateTimeOffset Since);

/// <summary>The limits on what a candidate uploads (<c>Evidence:MaxFileMegabytes</c>, 200 by default).</summary>
public sealed class EvidenceLimits(IConfiguration configuration)
{
    public long MaxFileBytes { get; } = (configuration.GetValue<long?>("Evidence:MaxFileMegabytes") ?? 200) * 1024 * 1024;

    public const int MaxNameLength = 200;

    public string Describe => $"{MaxFileBytes / (1024 * 1024):N0} MB";
}
