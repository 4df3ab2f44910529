using System.Security.Claims;
using System.Security.Cryptography;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Evidence.Recording;

/// <summary>A candidate's enrolment as the assessor who records evidence for it sees it.</summary>
public sealed record EnrolmentForAssessor(Enrolment Enrolment, Candidate Candidate, Centre Centre, BankUnit Unit, IReadOnlyList<AssessorRecord> Records)
{
    /// <summary>The unit record: every statement with what covers it, gaps first.</summary>
    public IReadOnlyList<StatementCover> Coverage { get; init; } = [];

    /// <summary>The candidate's other units at the centre, which a record may also count for.</summary>
    public IReadOnlyList<OtherUnit> OtherUnits { get; init; } = [];
}

/// <summary>
/// The assessors of a centre record the evidence they gather for a candidate's unit (observation, discussion, questioning,
/// witness testimony), with an optional audio recording of a discussion; a witness testimony gets a one-time link for the
/// witness to confirm it, and the witness confirms through it.
/// </summary>
public sealed class RecordAssessorEvidence(IDocumentStore store, IEvidenceFileStore files, TimeProvider time)
{
    /// <summary>Audio kept with a discussion or questioning record: a few minutes of speech.</summary>
    public const long MaxRecordingBytes = 25 * 1024 * 1024;

    public async Task<EnrolmentForAssessor> EnrolmentAsync(ClaimsPrincipal user, Role role, Guid enrolmentId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var enrolment = await session.LoadAsync<Enrolment>(enrolmentId, cancellationToken);
        if (enrolment is null || !user.Holds(role, enrolment.CentreId))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such enrolment at a centre where you assess.");
        }

        var candidate = await session.LoadAsync<Candidate>(enrolment.CandidateId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The candidate is not found.");
        var centre = await session.LoadAsync<Centre>(enrolment.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, "The centre is not found.");
        var unit = await session.LoadAsync<BankUnit>(enrolment.UnitCode, cancellationToken) ?? throw new RefusedException(RefusalKind.NotFound, $"Unit {enrolment.UnitCode} is not in the bank.");
        var records = await session.Query<AssessorRecord>().Where(r => r.EnrolmentId == enrolmentId).OrderByDescending(r => r.RecordedAt).ToListAsync(cancellationToken);
        return new EnrolmentForAssessor(enrolment, candidate, centre, unit, records)
        {
            Coverage = await UnitRecord.ForAsync(session, enrolment, unit, records, cancellationToken),
            OtherUnits = await OtherUnits.OfAsync(session, enrolment.CandidateId, enrolment.CentreId, enrolment.UnitCode, cancellationToken),
        };
    }

    /// <summary>Records the evidence; for a witness testimony, returns the link (shown once) the witness confirms it through.</summary>
    public async Task<string?> RecordAsync(ClaimsPrincipal user, Guid enrolmentId, RecordForm form, IFormFile? audio, string sourceAddress, CancellationToken cancellationToken)
    {
        var found = await EnrolmentAsync(user, Role.Assessor, enrolmentId, cancellationToken);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, found.Centre.Zone).DateTime);
        var link = form.Kind == RecordKind.WitnessTestimony ? Base64Url(RandomNumberGenerator.GetBytes(24)) : null;
        var recording = audio is { Length: > 0 } ? await KeepRecordingAsync(audio, cancellationToken) : null;
        try
        {
            var recordId = Guid.CreateVersion7();
            var recorded = AssessorRecords.Record(recordId, form, found.Enrolment.Id, found.Candidate.Id, found.Centre.Id, found.Unit.Id,
                found.Unit.Outcomes.SelectMany(o => o.Statements).Select(s => s.Reference).ToHashSet(StringComparer.Ordinal), found.OtherUnits, today, recording,
                link is null ? null : AssessorRecords.HashOf(link), user.Actor(), sourceAddress, now);
            await store.StartAsync<AssessorRecord>(recordId, [recorded], cancellationToken);
            return link;
        }
        catch (RefusedException) when (recording is not null)
        {
            await files.DeleteAsync(recording.FileId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The testimony a witness's link names, or "not found" for a link that is not one.</summary>
    public async Task<AssessorRecord> WitnessedAsync(string link, CancellationToken cancellationToken)
    {
        var hash = AssessorRecords.HashOf(link);
        await using var session = store.QuerySession();
        return await session.Query<AssessorRecord>().FirstOrDefaultAsync(r => r.LinkHash == hash, cancellationToken)
               ?? throw new RefusedException(RefusalKind.NotFound, "This link is not a witness testimony's. Ask the assessor who sent it.");
    }

    public async Task<AssessorRecord> ConfirmAsync(string link, string sourceAddress, CancellationToken cancellationToken)
    {
        var record = await WitnessedAsync(link, cancellationToken);
        await store.DecideAsync<AssessorRecord>(record.Id, current => AssessorRecords.Confirm(current, sourceAddress, time.GetUtcNow()), cancellationToken);
        return await WitnessedAsync(link, cancellationToken);
    }

    private async Task<AudioRecording> KeepRecordingAsync(IFormFile audio, CancellationToken cancellationToken)
    {
        if (audio.Length > MaxRecordingBytes)
        {
            throw new RefusedException(RefusalKind.TooLarge, $"{audio.FileName} is larger than the {MaxRecordingBytes / (1024 * 1024)} MB a recording may be; record at a lower quality or split it.");
        }

        await using var copy = EvidenceFileCopies.Temporary();
        await audio.CopyToAsync(copy, cancellationToken);
        var kind = EvidenceFiles.Detect(copy).Kind;
        if (kind is not (EvidenceKind.Mp3 or EvidenceKind.M4a or EvidenceKind.Mp4))
        {
            throw new RefusedException(RefusalKind.Invalid, $"{audio.FileName} is not an MP3, M4A or MP4 recording (judged by its content); nothing was kept.");
        }

        var fileId = Guid.NewGuid();
        copy.Position = 0;
        await files.AppendAsync(fileId, 0, copy, copy.Length, cancellationToken);
        return new AudioRecording(fileId, Uploading.EvidenceUploadsApi.FileName(audio.FileName), kind.Value, copy.Length);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
