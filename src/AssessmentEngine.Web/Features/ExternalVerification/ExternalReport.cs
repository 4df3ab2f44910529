using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.ExternalVerification;

/// <summary>One sample of a visit: the decision sampled, the outcome, the comment and the centre's actions.</summary>
public sealed record ExternalSample(SampledDecision Sample, bool Agrees, string Comment, IReadOnlyList<CentreAction> Actions, DateTimeOffset RecordedAt);

/// <summary>
/// An external verifier's visit to a centre, and the report it becomes: a draft only they see while they sample, then issued
/// to the centre. One draft at a time per verifier and centre.
/// </summary>
public sealed record ExternalReport(Guid Id, Guid CentreId, Guid VerifierId, string Verifier, DateTimeOffset OpenedAt, IReadOnlyList<ExternalSample> Samples)
{
    public string? Summary { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public bool Issued => IssuedAt is not null;

    /// <summary>The id of a verifier's next visit to a centre, after <paramref name="issued"/> issued ones: two first samples at once open the same visit.</summary>
    public static Guid IdFor(Guid centreId, Guid verifierId, int issued) => NameBasedId.For($"external-verification/{centreId}/{verifierId}/{issued}");

    public static ExternalReport Create(ExternalVerificationOpened opened) =>
        new(opened.VerificationId, opened.CentreId, opened.VerifierId, opened.Verifier, opened.OpenedAt, []);

    public ExternalReport Apply(ExternalSampleRecorded recorded) => this with
    {
        Samples = [.. Samples.Where(s => !s.Sample.Is(recorded.Sample.Kind, recorded.Sample.SubjectId, recorded.Sample.Version)),
            new ExternalSample(recorded.Sample, recorded.Agrees, recorded.Comment, recorded.Actions, recorded.RecordedAt)],
    };

    public ExternalReport Apply(ExternalVerificationReportIssued issued) => this with { Summary = issued.Summary, IssuedAt = issued.IssuedAt };

    /// <summary>A verifier's visits to a centre, newest first.</summary>
    public static Task<IReadOnlyList<ExternalReport>> OfAsync(IQuerySession session, Guid centreId, Guid verifierId, CancellationToken cancellationToken) =>
        session.Query<ExternalReport>().Where(v => v.CentreId == centreId && v.VerifierId == verifierId).OrderByDescending(v => v.OpenedAt).ToListAsync(cancellationToken);
}

public sealed class ExternalReportProjection : SingleStreamProjection<ExternalReport, Guid>
{
    public static ExternalReport Create(ExternalVerificationOpened opened) => ExternalReport.Create(opened);

    public static ExternalReport Apply(ExternalSampleRecorded recorded, ExternalReport visit) => visit.Apply(recorded);

    public static ExternalReport Apply(ExternalVerificationReportIssued issued, ExternalReport visit) => visit.Apply(issued);
}
