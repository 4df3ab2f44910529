using System.Security.Claims;
using AssessmentEngine.Web.Features.ExternalVerification.Sampling;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.ExternalVerification.Recording;

/// <summary>
/// The external verifier of a centre records their outcome for one of its decisions, in their draft report for the centre
/// (the first sample opens it). Returns the report's id.
/// </summary>
public sealed class RecordExternalSample(IDocumentStore store, SampleableDecisions decisions, TimeProvider time)
{
    public async Task<Guid> HandleAsync(Guid centreId, SampleKind kind, Guid subjectId, int version, string? outcome, string? comment,
        IReadOnlyList<CentreActionInput> actions, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var centre = await VerifiedCentres.OfAsync(store, user, centreId, cancellationToken);
        var sample = await decisions.FindAsync(centreId, kind, subjectId, version, cancellationToken);
        var (verifierId, verifier, now) = (user.Id(), user.Actor(), time.GetUtcNow());
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime);
        IReadOnlyList<object> Record(ExternalReport visit) =>
            ExternalVerificationDecisions.RecordSample(visit, sample, outcome, comment, actions, verifierId, verifier, today, now);

        for (var tries = 1; ; tries++)
        {
            var visitId = await VerifiedCentres.DraftIdAsync(store, centreId, verifierId, cancellationToken);
            if (await store.DecideAsync<ExternalReport>(visitId, Record, cancellationToken) is { Count: > 0 })
            {
                return visitId;
            }

            // No draft yet: this sample opens one (decided in full before anything is written). Another first sample at the same
            // moment opens the same one, and this one is then recorded in it.
            var opened = ExternalVerificationDecisions.Open(visitId, centreId, verifierId, verifier, now);
            if (await store.StartAsync<ExternalReport>(visitId, [opened, .. Record(ExternalReport.Create(opened))], cancellationToken) || tries == 3)
            {
                return visitId;
            }
        }
    }
}
