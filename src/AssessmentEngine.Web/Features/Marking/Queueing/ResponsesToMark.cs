using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Features.Marking.Queueing;

/// <summary>A response waiting for an assessor.</summary>
public sealed record WaitingResponse(Attempt Attempt, Candidate Candidate, int Number, Item Item);

/// <summary>The assessor's queue: extended responses of the centre's submitted attempts that have no mark yet, oldest first.</summary>
public sealed class ResponsesToMark(IDocumentStore store)
{
    public async Task<IReadOnlyList<WaitingResponse>> HandleAsync(Guid centreId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var attempts = await session.Query<Attempt>().Where(a => a.CentreId == centreId && a.Status == AttemptStatus.Submitted && a.Decision == null)
            .OrderBy(a => a.SubmittedAt).ToListAsync(cancellationToken);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, attempts.Select(a => a.CandidateId).Distinct().ToArray())).ToDictionary(c => c.Id);
        var waiting = new List<WaitingResponse>();
        foreach (var attempt in attempts)
        {
            var items = await PinnedItems.LoadAsync(session, attempt.Form!, cancellationToken);
            waiting.AddRange(attempt.Form!.Items.Select((f, i) => (f, i))
                .Where(x => items[x.f.ItemId].Type == ItemType.Extended && !attempt.AssessorMarks.ContainsKey(x.f.ItemId))
                .Select(x => new WaitingResponse(attempt, candidates[attempt.CandidateId], x.i + 1, items[x.f.ItemId])));
        }

        return waiting;
    }
}
