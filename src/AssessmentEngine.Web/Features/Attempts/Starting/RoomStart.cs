using AssessmentEngine.Web.Features.Attempts.Admitting;

namespace AssessmentEngine.Web.Features.Attempts.Starting;

/// <summary>What starting the room did: how many tests started now, how many were already under way, and whose could not start and why.</summary>
public sealed record RoomStart(int Started, int AlreadyStarted, IReadOnlyList<CandidateRefusal> Refused);
