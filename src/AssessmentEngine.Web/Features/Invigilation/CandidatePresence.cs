using AssessmentEngine.Web.Infrastructure.Store;
using Marten.Events.Projections;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>A fact about whether a candidate's test page is there: its focus and its live connection.</summary>
public interface IPresenceEvent
{
    Guid AttemptId { get; }
}

/// <summary>The test page lost the focus (the candidate went to another window; open-book tests allow it).</summary>
public sealed record FocusLost(Guid AttemptId, DateTimeOffset LostAt) : IPresenceEvent;

public sealed record FocusRegained(Guid AttemptId, DateTimeOffset RegainedAt) : IPresenceEvent;

/// <summary>The candidate's page joined the live connection (first time or after a drop), on a node.</summary>
public sealed record CandidateConnected(Guid AttemptId, string Node, DateTimeOffset ConnectedAt) : IPresenceEvent;

public sealed record CandidateDisconnected(Guid AttemptId, string Node, DateTimeOffset DisconnectedAt) : IPresenceEvent;

/// <summary>
/// What the invigilators see of a candidate's page besides the attempt itself: focus and connection. Its facts go to a
/// presence stream of their own per attempt (<see cref="StreamFor"/>), so a focus change never competes with an answer
/// save for the attempt's stream; the document is keyed by the attempt and also takes the same facts from attempt
/// streams written before presence had a stream of its own.
/// </summary>
public sealed record CandidatePresence(Guid Id)
{
    public bool Focused { get; init; } = true;

    public int FocusLostCount { get; init; }

    public DateTimeOffset? LastFocusLostAt { get; init; }

    public bool Connected { get; init; }

    /// <summary>The node holding the live connection, so a drop reported by an old node after a reconnection elsewhere is ignored.</summary>
    public string? ConnectedNode { get; init; }

    public static Guid StreamFor(Guid attemptId) => NameBasedId.For($"presence/{attemptId}");

    public CandidatePresence Apply(FocusLost lost) => this with { Focused = false, FocusLostCount = FocusLostCount + 1, LastFocusLostAt = lost.LostAt };

    public CandidatePresence Apply(FocusRegained regained) => this with { Focused = true };

    public CandidatePresence Apply(CandidateConnected connected) => this with { Connected = true, ConnectedNode = connected.Node };

    public CandidatePresence Apply(CandidateDisconnected disconnected) => this with { Connected = false };
}

/// <summary>One presence document per attempt, from the presence stream and from older attempt streams alike.</summary>
public sealed class CandidatePresenceProjection : MultiStreamProjection<CandidatePresence, Guid>
{
    public CandidatePresenceProjection() => Identity<IPresenceEvent>(e => e.AttemptId);

    // A Create method stands in for Apply on the stream's first event, so each applies its event to a fresh document.
    public static CandidatePresence Create(FocusLost lost) => new CandidatePresence(lost.AttemptId).Apply(lost);

    public static CandidatePresence Create(FocusRegained regained) => new CandidatePresence(regained.AttemptId).Apply(regained);

    public static CandidatePresence Create(CandidateConnected connected) => new CandidatePresence(connected.AttemptId).Apply(connected);

    public static CandidatePresence Create(CandidateDisconnected disconnected) => new CandidatePresence(disconnected.AttemptId).Apply(disconnected);

    public static CandidatePresence Apply(FocusLost lost, CandidatePresence presence) => presence.Apply(lost);

    public static CandidatePresence Apply(FocusRegained regained, CandidatePresence presence) => presence.Apply(regained);

    public static CandidatePresence Apply(CandidateConnected connected, CandidatePresence presence) => presence.Apply(connected);

    public static CandidatePresence Apply(CandidateDisconnected disconnected, CandidatePresence presence) => presence.Apply(disconnected);
}
