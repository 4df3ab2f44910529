using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Features.Evidence;

/// <summary>
/// A submitted version: the files as they were, the brief as it was, the declaration, the assessor's judgement once made,
/// and the internal verifier's sample and outcome once the judgement is sampled and verified.
/// </summary>
public sealed record SubmittedVersion(int Number, IReadOnlyList<EvidenceFile> Files, BriefRevision Brief, string Declaration, string SubmittedBy, DateTimeOffset SubmittedAt,
    EvidenceJudged? Judgement = null, EvidenceSampled? Sampled = null, EvidenceVerified? Verification = null);

public enum SubmissionStatus
{
    /// <summary>Files uploaded, nothing submitted yet.</summary>
    Draft,

    /// <summary>The latest version waits for the assessor.</summary>
    AwaitingJudgement,

    /// <summary>The latest version is judged; the candidate may resubmit after feedback.</summary>
    Judged,
}

/// <summary>A candidate's evidence for one brief of a unit they are enrolled on: the draft being assembled and every version submitted.</summary>
public sealed record Submission(Guid Id, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, string BriefId,
    IReadOnlyList<EvidenceFile> Draft, IReadOnlyList<SubmittedVersion> Versions, IReadOnlyList<string> Removed)
{
    /// <summary>Files a draft may hold: enough for a report, its appendices and recordings.</summary>
    public const int MaxDraftFiles = 20;

    /// <summary>The other units the evidence counts for, one per enrolment: a later count for the same enrolment replaces the earlier.</summary>
    public IReadOnlyList<EvidenceCrossReferenced> CrossReferences { get; init; } = [];

    public static Guid IdFor(Guid enrolmentId, string briefId) => NameBasedId.For($"evidence:{enrolmentId}:{briefId}");

    public SubmittedVersion? Latest => Versions.Count == 0 ? null : Versions[^1];

    public SubmissionStatus Status => Latest switch
    {
        null => SubmissionStatus.Draft,
        { Judgement: null } => SubmissionStatus.AwaitingJudgement,
        _ => SubmissionStatus.Judged,
    };

    /// <summary>Every file the submission holds or held, draft and versions, by id.</summary>
    public EvidenceFile? File(Guid fileId) =>
        Draft.FirstOrDefault(f => f.Id == fileId) ?? Versions.SelectMany(v => v.Files).FirstOrDefault(f => f.Id == fileId);

    public static Submission Create(EvidenceFileAdded added) =>
        new(added.SubmissionId, added.EnrolmentId, added.CandidateId, added.CentreId, added.UnitCode, added.BriefId, [added.File], [], []);

    public Submission Apply(EvidenceFileAdded added) => this with { Draft = [.. Draft, added.File] };

    public Submission Apply(EvidenceFileRemoved removed) => this with { Draft = Draft.Where(f => f.Id != removed.FileId).ToList() };

    public Submission Apply(EvidenceFileScanned scanned)
    {
        IReadOnlyList<EvidenceFile> Scanned(IReadOnlyList<EvidenceFile> files) =>
            files.Select(f => f.Id == scanned.FileId && scanned.Clean ? f with { Scan = ScanState.Clean } : f).Where(f => scanned.Clean || f.Id != scanned.FileId).ToList();

        var removed = scanned.Clean ? Removed : [.. Removed, $"{File(scanned.FileId)?.Name ?? "A file"} was removed: the virus scan found {scanned.Signature}."];
        return this with { Draft = Scanned(Draft), Versions = Versions.Select(v => v with { Files = Scanned(v.Files) }).ToList(), Removed = removed };
    }

    public Submission Apply(EvidenceSubmitted submitted) => this with
    {
        Versions = [.. Versions, new SubmittedVersion(submitted.Version, Draft.Where(f => submitted.FileIds.Contains(f.Id)).ToList(), submitted.Brief,
            submitted.Declaration, submitted.Actor, submitted.At)],
        Draft = [],
        Removed = [],
    };

    public Submission Apply(EvidenceJudged judged) => this with
    {
        Versions = Versions.Select(v => v.Number == judged.Version ? v with { Judgement = judged } : v).ToList(),
    };

    public Submission Apply(EvidenceSampled sampled) => this with
    {
        Versions = Versions.Select(v => v.Number == sampled.Version ? v with { Sampled = sampled } : v).ToList(),
    };

    public Submission Apply(EvidenceVerified verified) => this with
    {
        Versions = Versions.Select(v => v.Number == verified.Version ? v with { Verification = verified } : v).ToList(),
    };

    public Submission Apply(EvidenceCrossReferenced counted) => this with
    {
        CrossReferences = [.. CrossReferences.Where(c => c.EnrolmentId != counted.EnrolmentId), counted],
    };
}

/// <summary>The decisions on a submission: pure functions from its state and a command to the events that follow.</summary>
public static class SubmissionDecisions
{
    public const string Declaration =
        "I declare that this is my own work: I wrote or made it myself, I have said where I used anyone else's words or work, and it is about my own practice or the case given.";

    /// <summary>Why a version is in the sample when the verifier, not the rule, put it there.</summary>
    public const string VerifiersChoice = "chosen by the verifier";

    /// <summary>Refuses another file when the draft is full or the latest version waits for the assessor.</summary>
    public static void EnsureDraftTakes(Submission? submission, string fileName)
    {
        if (submission is null)
        {
            return;
        }

        if (submission.Status == SubmissionStatus.AwaitingJudgement)
        {
            throw new RefusedException(RefusalKind.Conflict,
                $"{fileName} was not added: version {submission.Latest!.Number} is waiting for your assessor. You can upload again once they have given feedback.");
        }

        if (submission.Draft.Count >= Submission.MaxDraftFiles)
        {
            throw new RefusedException(RefusalKind.Invalid,
                $"{fileName} was not added: a submission holds at most {Submission.MaxDraftFiles} files. Remove one, or combine files into one document.");
        }
    }

    public static EvidenceFileRemoved Remove(Submission submission, Guid fileId, string actor, DateTimeOffset now) =>
        submission.Draft.Any(f => f.Id == fileId)
            ? new EvidenceFileRemoved(submission.Id, fileId, actor, now)
            : throw new RefusedException(RefusalKind.NotFound, "That file is not in your draft (it may have been submitted already).");

    public static EvidenceSubmitted Submit(Submission submission, BriefRevision brief, bool declared, string actor, string sourceAddress, DateTimeOffset now)
    {
        if (!declared)
        {
            throw new RefusedException(RefusalKind.Invalid, "Tick the declaration that the work is your own before you submit.");
        }

        if (submission.Draft.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Upload at least one file before you submit.");
        }

        if (submission.Status == SubmissionStatus.AwaitingJudgement)
        {
            throw new RefusedException(RefusalKind.Conflict,
                $"Version {submission.Latest!.Number} is waiting for your assessor; you can resubmit once they have given feedback.");
        }

        if (submission.Draft.Where(f => f.Scan == ScanState.Pending).ToList() is { Count: > 0 } pending)
        {
            throw new RefusedException(RefusalKind.Conflict,
                $"{pending.Count} file(s) are waiting for the virus scan ({string.Join(", ", pending.Select(f => f.Name))}); you can submit once they are scanned. Nothing is lost meanwhile.");
        }

        return new EvidenceSubmitted(submission.Id, submission.CentreId, submission.Versions.Count + 1, submission.Draft.Select(f => f.Id).ToList(), brief,
            Declaration, actor, sourceAddress, now);
    }

    /// <summary>
    /// Judges the latest version: every statement the brief covers, met or not yet, each with a comment when not yet met, and
    /// feedback. Only the latest version is judged; an earlier one stands as it was.
    /// </summary>
    public static EvidenceJudged Judge(Submission submission, int version, IReadOnlyList<string> covers, IReadOnlyList<CriterionJudgement> criteria, string? feedback,
        string actor, string sourceAddress, DateTimeOffset now)
    {
        if (submission.Latest is not { } latest || latest.Number != version)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Version {version} is not the latest submitted; judge version {submission.Latest?.Number}.");
        }

        if (latest.Judgement is not null)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Version {version} is already judged; the candidate may resubmit and you judge the new version.");
        }

        var unknown = criteria.Select(c => c.Reference).Except(covers, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"The brief does not cover {string.Join(", ", unknown)}.");
        }

        var missing = covers.Except(criteria.Select(c => c.Reference), StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Say whether each criterion is met: {string.Join(", ", missing)} not judged.");
        }

        if (criteria.FirstOrDefault(c => !c.Met && string.IsNullOrWhiteSpace(c.Comment)) is { } bare)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Say what is missing for {bare.Reference}: a criterion not yet met needs a comment for the candidate.");
        }

        if (string.IsNullOrWhiteSpace(feedback))
        {
            throw new RefusedException(RefusalKind.Invalid, "Write feedback for the candidate.");
        }

        if (feedback.Length > 10_000 || criteria.Any(c => c.Comment.Length > 2_000))
        {
            throw new RefusedException(RefusalKind.Invalid, "Feedback is limited to 10,000 characters and each comment to 2,000.");
        }

        return new EvidenceJudged(submission.Id, submission.CentreId, version, criteria.Select(c => c with { Comment = c.Comment.Trim() }).ToList(),
            feedback.Trim(), actor, sourceAddress, now);
    }
    /// <summary>Adds a judged version to the internal verifier's sample; a version sampled already stays as it was sampled.</summary>
    public static IReadOnlyList<object> Sample(Submission submission, int version, string reason, string actor, DateTimeOffset now) =>
        JudgedVersion(submission, version, "sampled").Sampled is null ? [new EvidenceSampled(submission.Id, submission.CentreId, version, reason, actor, now)] : [];

    /// <summary>
    /// The internal verifier agrees or disagrees with the judgement of a version, with a comment when they disagree; nobody
    /// verifies a judgement they made. A version not yet in the sample joins it as the verifier's choice.
    /// </summary>
    public static IReadOnlyList<object> Verify(Submission submission, int version, bool agrees, string? comment, string verifier, string sourceAddress, DateTimeOffset now)
    {
        var judged = JudgedVersion(submission, version, "verified");
        if (string.Equals(judged.Judgement!.Actor, verifier, StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusedException(RefusalKind.Forbidden,
                $"You judged version {version}: staff must never internally verify their own assessments. Another verifier at the centre can verify it.");
        }

        if (judged.Verification is { } done)
        {
            throw new RefusedException(RefusalKind.Conflict, $"{done.Actor} has already verified the judgement of version {version}.");
        }

        if (!agrees && string.IsNullOrWhiteSpace(comment))
        {
            throw new RefusedException(RefusalKind.Invalid, "Say why you disagree with the judgement: a comment is needed when you do not agree.");
        }

        if (comment?.Length > 2_000)
        {
            throw new RefusedException(RefusalKind.Invalid, "The comment is limited to 2,000 characters.");
        }

        var verified = new EvidenceVerified(submission.Id, submission.CentreId, version, agrees, comment?.Trim() ?? "", verifier, sourceAddress, now);
        return judged.Sampled is null ? [new EvidenceSampled(submission.Id, submission.CentreId, version, VerifiersChoice, verifier, now), verified] : [verified];
    }

    /// <summary>
    /// Counts a judged version for another unit its candidate is enrolled on at the same centre, naming the statements of that
    /// unit it shows, with a comment. <paramref name="enrolment"/> is null when there is no such enrolment;
    /// <paramref name="unitStatements"/> are the statements of the enrolment's unit.
    /// </summary>
    public static EvidenceCrossReferenced CrossReference(Submission submission, int version, Enrolments.Enrolment? enrolment, IReadOnlyCollection<string> unitStatements,
        IReadOnlyList<string> statements, string? comment, string actor, string sourceAddress, DateTimeOffset now)
    {
        JudgedVersion(submission, version, "counted for another unit");
        if (enrolment is null)
        {
            throw new RefusedException(RefusalKind.Invalid, "The candidate is not enrolled on that unit at this centre: evidence counts only for units they are enrolled on.");
        }

        if (enrolment.CentreId != submission.CentreId)
        {
            throw new RefusedException(RefusalKind.Invalid, "That enrolment is at another centre: evidence counts only at the centre where it was submitted.");
        }

        if (enrolment.CandidateId != submission.CandidateId)
        {
            throw new RefusedException(RefusalKind.Invalid, "That enrolment is another candidate's: evidence counts only for the units of the candidate who submitted it.");
        }

        if (enrolment.UnitCode == submission.UnitCode)
        {
            throw new RefusedException(RefusalKind.Invalid,
                $"This evidence already counts for {submission.UnitCode}, its own unit: count it for another unit the candidate is enrolled on.");
        }

        if (statements.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Tick the statements of {enrolment.UnitCode} this evidence shows.");
        }

        var unknown = statements.Except(unitStatements, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Unit {enrolment.UnitCode} has no statement {string.Join(", ", unknown)}.");
        }

        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new RefusedException(RefusalKind.Invalid, "Say how this evidence shows those statements: a comment is needed.");
        }

        if (comment.Length > 2_000)
        {
            throw new RefusedException(RefusalKind.Invalid, "The comment is limited to 2,000 characters.");
        }

        var ordered = unitStatements.Where(statements.Contains).Distinct().ToList();
        return new EvidenceCrossReferenced(submission.Id, submission.CentreId, version, enrolment.Id, enrolment.UnitCode, ordered, comment.Trim(), actor, sourceAddress, now);
    }

    private static SubmittedVersion JudgedVersion(Submission submission, int version, string what)
    {
        var found = submission.Versions.FirstOrDefault(v => v.Number == version)
            ?? throw new RefusedException(RefusalKind.NotFound, $"There is no version {version} of this submission.");
        return found.Judgement is null
            ? throw new RefusedException(RefusalKind.Conflict, $"Version {version} is not judged yet: only a judged version can be {what}.")
            : found;
    }
}
