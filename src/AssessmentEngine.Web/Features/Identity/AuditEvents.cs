using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Features.Identity;

/// <summary>A security-relevant fact: who, to whom, where from, when, and which centres may read it.</summary>
public interface IAuditEvent
{
    Guid SubjectId { get; }

    string Actor { get; }

    IReadOnlyList<Guid> CentreIds { get; }

    string SourceAddress { get; }

    DateTimeOffset At { get; }

    string Describe();
}

public sealed record SignedIn(Guid UserId, string SignInName, string Method, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset SignedInAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => SignedInAt;
    public string Describe() => $"{SignInName} signed in ({Method})";
}

public sealed record SignedOut(Guid UserId, string SignInName, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset SignedOutAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => SignedOutAt;
    public string Describe() => $"{SignInName} signed out";
}

public sealed record SignInFailed(Guid SubjectId, string SignInName, string Reason, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset FailedAt) : IAuditEvent
{
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => FailedAt;
    public string Describe() => $"sign-in as {SignInName} failed: {Reason}";
}

public sealed record AccountLockedOut(Guid UserId, string SignInName, DateTimeOffset Until, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset LockedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => LockedAt;
    public string Describe() => $"{SignInName} locked out until {Until:u} after repeated failed sign-ins";
}

public sealed record RolesChanged(Guid UserId, string SignInName, Guid CentreId, IReadOnlyList<Role> Roles, string Actor, string SourceAddress, DateTimeOffset ChangedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => ChangedAt;
    public string Describe() => $"{Actor} set {SignInName}'s roles to {(Roles.Count == 0 ? "none" : string.Join(", ", Roles.Select(r => r.Name())))}";
}

public sealed record PasswordResetCodeIssued(Guid UserId, string SignInName, Guid CentreId, string Actor, string SourceAddress, DateTimeOffset IssuedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => IssuedAt;
    public string Describe() => $"{Actor} issued a password reset code for {SignInName}";
}

public sealed record PasswordChanged(Guid UserId, string SignInName, string How, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset ChangedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => ChangedAt;
    public string Describe() => $"{SignInName} set a new password ({How})";
}

public sealed record AdjustmentsApproved(Guid CandidateId, string CandidateNumber, Guid CentreId, Adjustments Adjustments, string Actor, string SourceAddress, DateTimeOffset ApprovedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CandidateId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => ApprovedAt;
    public string Describe() => $"{Actor} approved adjustments for candidate {CandidateNumber}: {Adjustments.Describe()}";
}

public sealed record CandidatesRegistered(Guid CentreId, int Count, string Source, string Actor, string SourceAddress, DateTimeOffset RegisteredAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CentreId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => RegisteredAt;
    public string Describe() => $"{Actor} registered {Count} candidate(s) from {Source}";
}

public sealed record CandidateSignInCodesIssued(Guid CentreId, int Count, string Actor, string SourceAddress, DateTimeOffset IssuedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CentreId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => IssuedAt;
    public string Describe() => $"{Actor} issued one-time sign-in codes for {Count} candidate(s)";
}

/// <summary>An invigilator gave a candidate booked on their sitting a new one-time sign-in code in the room; the old one stopped working.</summary>
public sealed record CandidateSignInCodeReissued(Guid SittingId, Guid CandidateId, string CandidateNumber, Guid CentreId, string Actor, string SourceAddress, DateTimeOffset IssuedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => SittingId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => IssuedAt;
    public string Describe() => $"{Actor} issued candidate {CandidateNumber} a new one-time sign-in code during a sitting; the old one no longer works";
}

public sealed record DataExported(Guid CentreId, string What, string Actor, string SourceAddress, DateTimeOffset ExportedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CentreId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => ExportedAt;
    public string Describe() => $"{Actor} exported {What}";
}

public sealed record SingleSignOnLinked(Guid UserId, string SignInName, string Issuer, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset LinkedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    DateTimeOffset IAuditEvent.At => LinkedAt;
    public string Describe() => $"{SignInName} linked their account to single sign-on from {Issuer}";
}

public sealed record OperatorAppointed(Guid UserId, string SignInName, string Actor, string SourceAddress, DateTimeOffset AppointedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [];
    DateTimeOffset IAuditEvent.At => AppointedAt;
    public string Describe() => $"{Actor} made {SignInName} a platform operator";
}

public sealed record CentreCreated(Guid CentreId, string Number, string Name, string TimeZone, string Actor, string SourceAddress, DateTimeOffset CreatedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CentreId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => CreatedAt;
    public string Describe() => $"{Actor} created the centre {Name} ({Number}, {TimeZone})";
}

public sealed record CentreSettingChanged(Guid CentreId, string Setting, string Value, string Actor, string SourceAddress, DateTimeOffset ChangedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => CentreId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => ChangedAt;
    public string Describe() => $"{Actor} set {Setting} to {Value}";
}

public sealed record AuthoringChanged(Guid UserId, string SignInName, string Owner, bool Granted, string Actor, string SourceAddress, DateTimeOffset ChangedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [];
    DateTimeOffset IAuditEvent.At => ChangedAt;
    public string Describe() => Granted
        ? $"{Actor} made {SignInName} an author of {BankOwners.Describe(Owner)}'s item bank"
        : $"{Actor} withdrew {SignInName}'s authoring of {BankOwners.Describe(Owner)}'s item bank";
}

public sealed record InvitationSent(Guid UserId, string SignInName, Guid CentreId, IReadOnlyList<Role> Roles, string Actor, string SourceAddress, DateTimeOffset SentAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => SentAt;
    public string Describe() => $"{Actor} invited {SignInName} as {string.Join(", ", Roles.Select(r => r.Name()))}";
}

public sealed record InvitationAccepted(Guid UserId, string SignInName, Guid CentreId, IReadOnlyList<Role> Roles, string SourceAddress, DateTimeOffset AcceptedAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    string IAuditEvent.Actor => SignInName;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => AcceptedAt;
    public string Describe() => $"{SignInName} accepted the invitation as {string.Join(", ", Roles.Select(r => r.Name()))}";
}

public sealed record InvitationWithdrawn(Guid UserId, string SignInName, Guid CentreId, string Actor, string SourceAddress, DateTimeOffset WithdrawnAt) : IAuditEvent
{
    Guid IAuditEvent.SubjectId => UserId;
    IReadOnlyList<Guid> IAuditEvent.CentreIds => [CentreId];
    DateTimeOffset IAuditEvent.At => WithdrawnAt;
    public string Describe() => $"{Actor} withdrew the invitation of {SignInName}";
}

/// <summary>The admins' view of an audit event, one document per event, queried by centre and time.</summary>
public sealed record AuditEntry(Guid Id, string Action, string Description, string Actor, Guid SubjectId, IReadOnlyList<Guid> CentreIds, string SourceAddress, DateTimeOffset At);

public static class Audit
{
    /// <summary>Every audit event of every feature (any record implementing <see cref="IAuditEvent"/>), so identity names none of theirs.</summary>
    public static readonly IReadOnlyList<Type> EventTypes = [.. typeof(IAuditEvent).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IAuditEvent).IsAssignableFrom(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)];

    /// <summary>Appends the event to its subject's stream and records the admins' entry, in the same unit of work.</summary>
    public static void Record(Marten.IDocumentSession session, IAuditEvent audit)
    {
        session.Record(audit.SubjectId, audit);
        session.Store(EntryFor(audit));
    }

    /// <summary>The admins' entry alone, for a writer that appends the event itself (to a stream it fetched for writing).</summary>
    public static AuditEntry EntryFor(IAuditEvent audit) =>
        new(Guid.CreateVersion7(), audit.GetType().Name, audit.Describe(), audit.Actor, audit.SubjectId, audit.CentreIds, audit.SourceAddress, audit.At);
}
