using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Features.Sittings;
using JasperFx;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.IssuingSignInCodes;

/// <summary>
/// In the room, an invigilator gives a candidate booked on their sitting a fresh one-time sign-in code (the candidate lost
/// theirs, or mistyped it until they must wait), without waiting for the exam officer. The old code stops working and the
/// waits for the candidate's name end; sessions the candidate already has go on. The code goes back to the invigilator who
/// asked and to nobody else: the other invigilators see only that it was given.
/// </summary>
public sealed class IssueSignInCode(IDocumentStore store, InvigilatedSittings sittings, TimeProvider time)
{
    /// <summary>New codes a sitting may give in any minute: enough for a room's mishaps, too few to flood with.</summary>
    public const int PerSittingPerMinute = 5;

    /// <summary>How long a code given in the room works: the rest of the exam day, not the week a printed code lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public async Task<string> IssueAsync(Guid sittingId, Guid candidateId, Invigilator invigilator, string sourceAddress, CancellationToken cancellationToken = default)
    {
        await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryIssueAsync(sittingId, candidateId, invigilator, sourceAddress, cancellationToken);
            }
            catch (ConcurrencyException) when (attempt < 5)
            {
                // Another code was given in this sitting between our read and our write: count again.
            }
        }
    }

    private async Task<string> TryIssueAsync(
        Guid sittingId, Guid candidateId, Invigilator invigilator, string sourceAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now - TimeSpan.FromMinutes(1);
        await using var session = store.LightweightSession();
        // Fetched for writing: two invigilators giving codes at the same moment cannot both slip under the limit.
        var stream = await session.Events.FetchForWriting<Sitting>(sittingId, cancellationToken);
        var candidate = await session.LoadAsync<Candidate>(candidateId, cancellationToken);
        var account = candidate is null ? null : await session.LoadAsync<UserAccount>(candidate.UserId, cancellationToken);
        var recent = await session.Query<AuditEntry>()
            .CountAsync(e => e.SubjectId == sittingId && e.Action == nameof(CandidateSignInCodeReissued) && e.At > since, cancellationToken);
        var code = Secrets.NewOneTimeCode();
        var (changed, issued) = InvigilationDecisions.NewSignInCode(stream.Aggregate!, candidate, account, recent, code, invigilator.Actor, sourceAddress, now);
        session.Store(changed);
        SignInThrottle.ForgetAll(session, changed.SignInName);
        stream.AppendOne(issued);
        session.Store(Audit.EntryFor(issued));
        await session.SaveChangesAsync(cancellationToken);
        return code;
    }
}
