namespace AssessmentEngine.LoadTest;

// The engine's JSON as this client reads and writes it: only the fields a run needs, named as the engine sends them.

/// <summary>The sitting and sign-ins `./ae loadtest setup` writes.</summary>
public sealed record LoadSetup(
    Guid SittingId, string AccessCode, string UnitCode, string CentreNumber, string CandidatePassword, string InvigilatorEmail, string StaffPassword,
    IReadOnlyList<string>? InvigilatorEmails, IReadOnlyList<SetupCandidate> Candidates)
{
    /// <summary>Every invigilator of the sitting (older setups name one).</summary>
    public IReadOnlyList<string> Invigilators => InvigilatorEmails is { Count: > 0 } emails ? emails : [InvigilatorEmail];
}

/// <summary>A candidate and the one-time sign-in code their centre printed (absent in older setups).</summary>
public sealed record SetupCandidate(Guid CandidateId, string CandidateNumber, string? SignInCode);

public sealed record PaperChoice(string Id);

public sealed record PaperItem(int Number, string Type, IReadOnlyList<PaperChoice> Options, IReadOnlyList<PaperChoice> Prompts, IReadOnlyList<PaperChoice> Answers);

public sealed record PaperResponse(string? Choice = null, IReadOnlyList<string>? Choices = null, IReadOnlyDictionary<string, string>? Matches = null, string? Text = null);

public sealed record SavedAnswer(PaperResponse Response, long Sequence);

public sealed record Clock(string Status, DateTimeOffset? Deadline, int? RemainingSeconds);

public sealed record OpenedAttempt(Guid AttemptId, IReadOnlyList<PaperItem> Items, IReadOnlyDictionary<int, SavedAnswer> Answers, long LastSequence, Clock Clock);

public sealed record PageChange(long Sequence, int Item, PaperResponse Response);

public sealed record SaveRequest(string Page, IReadOnlyList<PageChange> Changes);

public sealed record RefusedChange(long Sequence, string Reason);

public sealed record SaveResult(IReadOnlyList<long> Acknowledged, IReadOnlyList<RefusedChange> Refused, Clock Clock);

public sealed record SubmitReceipt(Guid AttemptId, DateTimeOffset SubmittedAt, string Reason, string Receipt);

/// <summary>A row of the invigilator's grid, as pushed by CandidatesChanged (CandidateChanged, one at a time, on older engines).</summary>
public sealed record DashboardRow(Guid CandidateId, Guid? AttemptId, string State, int Answered, int Flagged, int Questions, bool Connected);

public sealed record Dashboard(Guid SittingId, IReadOnlyList<DashboardRow> Rows);

/// <summary>A candidate the engine would not admit or start, and why.</summary>
public sealed record CandidateRefusal(Guid CandidateId, string CandidateNumber, string Reason);

/// <summary>What AdmitTicked answers: how many it admitted, how many were already, and whom it refused.</summary>
public sealed record AdmissionSummary(int Admitted, int AlreadyAdmitted, IReadOnlyList<CandidateRefusal>? Refused);

/// <summary>What StartRoom answers: how many tests it started, how many had started already, and whom it refused.</summary>
public sealed record RoomStart(int Started, int AlreadyStarted, IReadOnlyList<CandidateRefusal>? Refused);
