using System.Security.Cryptography;
using System.Text;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Evidence.Recording;

/// <summary>The evidence an assessor gathers themselves rather than a candidate submits.</summary>
public enum RecordKind
{
    Observation,
    ProfessionalDiscussion,
    Questioning,
    WitnessTestimony,
}

/// <summary>Who gave a witness testimony: their name, their role, and how they know the candidate.</summary>
public sealed record Witness(string Name, string Role, string Relationship);

/// <summary>An audio recording kept with a discussion or questioning record.</summary>
public sealed record AudioRecording(Guid FileId, string Name, EvidenceKind Kind, long Bytes);

/// <summary>Statements of another unit the candidate is enrolled on at the centre that a record also shows (integration of assessment).</summary>
public sealed record AlsoCounted(Guid EnrolmentId, string UnitCode, IReadOnlyList<string> Statements);

/// <summary>
/// An assessor records evidence they gathered for a candidate's unit: what they observed, a discussion's or questioning's
/// questions and answers (with an optional recording), or a witness's testimony (confirmed later by the witness through a
/// one-time link, whose hash alone is kept), mapped to the statements it covers, and to those of the candidate's other units
/// it also shows (<paramref name="AlsoFor"/>: absent from records made before a record could count for two units).
/// </summary>
public sealed record AssessorEvidenceRecorded(
    Guid RecordId, RecordKind Kind, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, DateOnly On, string Activity, string Account,
    IReadOnlyList<string> Covers, AudioRecording? Recording, Witness? Witness, string? LinkHash, string Actor, string SourceAddress, DateTimeOffset At,
    IReadOnlyList<AlsoCounted>? AlsoFor = null) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => RecordId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    public string Describe() => $"{Actor} recorded {AssessorRecords.Describe(Kind)} for {UnitCode} ({Activity}), covering {string.Join(", ", Covers)}" +
        string.Concat((AlsoFor ?? []).Select(a => $"; also {a.UnitCode} {string.Join(", ", a.Statements)}"));
}

/// <summary>The witness confirmed their testimony through its link (which is then spent).</summary>
public sealed record WitnessConfirmed(Guid RecordId, Guid CentreId, string Witness, string SourceAddress, DateTimeOffset At) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => RecordId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    string IAuditEvent.Actor => $"witness {Witness}";
    public string Describe() => $"{Witness} confirmed their witness testimony";
}

public sealed record AssessorRecord(
    Guid Id, RecordKind Kind, Guid EnrolmentId, Guid CandidateId, Guid CentreId, string UnitCode, DateOnly On, string Activity, string Account,
    IReadOnlyList<string> Covers, AudioRecording? Recording, Witness? Witness, string? LinkHash, string RecordedBy, DateTimeOffset RecordedAt, DateTimeOffset? ConfirmedAt = null)
{
    /// <summary>The candidate's other units the record also counts for, with the statements it shows of each.</summary>
    public IReadOnlyList<AlsoCounted> AlsoFor { get; init; } = [];

    public static AssessorRecord Create(AssessorEvidenceRecorded recorded) =>
        new(recorded.RecordId, recorded.Kind, recorded.EnrolmentId, recorded.CandidateId, recorded.CentreId, recorded.UnitCode, recorded.On, recorded.Activity,
            recorded.Account, recorded.Covers, recorded.Recording, recorded.Witness, recorded.LinkHash, recorded.Actor, recorded.At) { AlsoFor = recorded.AlsoFor ?? [] };

    public AssessorRecord Apply(WitnessConfirmed confirmed) => this with { ConfirmedAt = confirmed.At };

    /// <summary>A witness testimony counts once its witness has confirmed it; every other record counts as recorded.</summary>
    public bool Authenticated => Kind != RecordKind.WitnessTestimony || ConfirmedAt is not null;
}

/// <summary>What an assessor writes in a record, as the form gives it; <paramref name="AlsoFor"/>: statements ticked of the candidate's other units, by enrolment.</summary>
public sealed record RecordForm(RecordKind Kind, DateOnly? On, string? Activity, string? Account, IReadOnlyList<string> Covers, Witness? Witness,
    IReadOnlyDictionary<Guid, IReadOnlyList<string>>? AlsoFor = null);

public static class AssessorRecords
{
    public const int MaxAccount = 20_000;

    public static string Describe(RecordKind kind) => kind switch
    {
        RecordKind.Observation => "an observation",
        RecordKind.ProfessionalDiscussion => "a professional discussion",
        RecordKind.Questioning => "questioning",
        _ => "a witness testimony",
    };

    public static string Title(RecordKind kind) => kind switch
    {
        RecordKind.Observation => "Observation",
        RecordKind.ProfessionalDiscussion => "Professional discussion",
        RecordKind.Questioning => "Questioning",
        _ => "Witness testimony",
    };

    /// <summary>The hash kept for a witness's link: the link itself is shown once, to the assessor who passes it on.</summary>
    public static string HashOf(string link) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(link)));

    /// <summary>
    /// Decides a new record: every field it needs, statements the unit has, a date not in the future, no recording on an
    /// observation or testimony; statements it also shows of <paramref name="otherUnits"/> (the candidate's other units at the centre).
    /// </summary>
    public static AssessorEvidenceRecorded Record(Guid recordId, RecordForm form, Guid enrolmentId, Guid candidateId, Guid centreId, string unitCode,
        IReadOnlyCollection<string> statements, IReadOnlyList<OtherUnit> otherUnits, DateOnly today, AudioRecording? recording, string? linkHash, string actor,
        string sourceAddress, DateTimeOffset now)
    {
        if (form.On is not { } on || on > today)
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the date the evidence was gathered (today or earlier).");
        }

        if (string.IsNullOrWhiteSpace(form.Activity) || form.Activity.Length > 300)
        {
            throw new RefusedException(RefusalKind.Invalid, "Say what the activity or task was, in at most 300 characters.");
        }

        if (string.IsNullOrWhiteSpace(form.Account) || form.Account.Length > MaxAccount)
        {
            throw new RefusedException(RefusalKind.Invalid, form.Kind switch
            {
                RecordKind.Observation => "Write what you observed",
                RecordKind.WitnessTestimony => "Write the witness's testimony",
                _ => "Write the questions asked and the candidate's answers",
            } + $" (at most {MaxAccount:N0} characters).");
        }

        if (form.Covers.Count == 0)
        {
            throw new RefusedException(RefusalKind.Invalid, "Tick the statements this evidence covers.");
        }

        var unknown = form.Covers.Except(statements, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Unit {unitCode} has no statement {string.Join(", ", unknown)}.");
        }

        if (form.Kind == RecordKind.WitnessTestimony && (form.Witness is null || new[] { form.Witness.Name, form.Witness.Role, form.Witness.Relationship }.Any(string.IsNullOrWhiteSpace)))
        {
            throw new RefusedException(RefusalKind.Invalid, "Give the witness's name, their role and how they know the candidate.");
        }

        if (recording is not null && form.Kind is RecordKind.Observation or RecordKind.WitnessTestimony)
        {
            throw new RefusedException(RefusalKind.Invalid, "A recording goes with a professional discussion or questioning record.");
        }

        var also = AlsoCounts(form, otherUnits);
        var witness = form.Kind == RecordKind.WitnessTestimony ? form.Witness! with { Name = form.Witness.Name.Trim(), Role = form.Witness.Role.Trim(), Relationship = form.Witness.Relationship.Trim() } : null;
        return new AssessorEvidenceRecorded(recordId, form.Kind, enrolmentId, candidateId, centreId, unitCode, on, form.Activity.Trim(), form.Account.Trim(),
            form.Covers.Distinct().Order(StringComparer.Ordinal).ToList(), recording, witness, form.Kind == RecordKind.WitnessTestimony ? linkHash : null, actor, sourceAddress, now,
            also.Count == 0 ? null : also);
    }

    /// <summary>The statements ticked of the candidate's other units: only units they are enrolled on at the centre, only statements those units have.</summary>
    private static List<AlsoCounted> AlsoCounts(RecordForm form, IReadOnlyList<OtherUnit> otherUnits)
    {
        var also = new List<AlsoCounted>();
        foreach (var (otherEnrolmentId, references) in (form.AlsoFor ?? new Dictionary<Guid, IReadOnlyList<string>>()).Where(a => a.Value.Count > 0))
        {
            var other = otherUnits.FirstOrDefault(o => o.Enrolment.Id == otherEnrolmentId)
                        ?? throw new RefusedException(RefusalKind.Invalid, "The candidate is not enrolled on that other unit at this centre: a record counts only for their units here.");
            var unknown = references.Except(other.Statements, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                throw new RefusedException(RefusalKind.Invalid, $"Unit {other.Unit.Id} has no statement {string.Join(", ", unknown)}.");
            }

            also.Add(new AlsoCounted(other.Enrolment.Id, other.Unit.Id, other.Statements.Where(references.Contains).ToList()));
        }

        return also;
    }

    /// <summary>The witness confirms through their link; a second confirmation changes nothing.</summary>
    public static IEnumerable<object> Confirm(AssessorRecord record, string sourceAddress, DateTimeOffset now) =>
        record.ConfirmedAt is null && record.Witness is { } witness ? [new WitnessConfirmed(record.Id, record.CentreId, witness.Name, sourceAddress, now)] : [];
}
