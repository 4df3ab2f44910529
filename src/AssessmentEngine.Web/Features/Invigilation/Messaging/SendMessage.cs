using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation.Messaging;

/// <summary>An invigilator sends a message to the named candidates' screens (or the whole room's).</summary>
public sealed class SendMessage(IDocumentStore store, InvigilatedSittings sittings, InvigilationPlaybook playbook, TimeProvider time)
{
    public async Task HandleAsync(Guid sittingId, IReadOnlyList<Guid>? candidateIds, string? text, Invigilator invigilator, CancellationToken cancellationToken = default)
    {
        var sitting = await sittings.SittingAsync(sittingId, invigilator, cancellationToken);
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > playbook.Rules.MessageMaxLength)
        {
            throw new RefusedException(RefusalKind.Invalid, $"Write a message of 1 to {playbook.Rules.MessageMaxLength} characters.");
        }

        RoomActions.Named(sitting, candidateIds);
        var now = time.GetUtcNow();
        await store.DecideAsync<Sitting>(sitting.Id, current => InvigilationDecisions.Message(current, candidateIds ?? [], text.Trim(), invigilator.Actor, now), cancellationToken);
    }
}
