namespace AssessmentEngine.ItemBank.Invigilation;

/// <summary>
/// The invigilation playbook a centre keeps in invigilation/: the instructions (sanitised HTML), the incident codes an
/// invigilator can log, and the rules the dashboard runs by.
/// </summary>
public sealed record Playbook(
    string CandidateInstructionsHtml,
    string ReadAloudHtml,
    IReadOnlyList<IncidentCode> IncidentCodes,
    PlaybookRules Rules)
{
    /// <summary>The incident code with this code (as written in incident-codes.md), or null.</summary>
    public IncidentCode? Incident(string code) => IncidentCodes.FirstOrDefault(incident => string.Equals(incident.Code, code, StringComparison.Ordinal));
}

/// <summary>One incident an invigilator can log, e.g. ILL "Candidate unwell"; a note is then required or optional.</summary>
public sealed record IncidentCode(string Code, string Title, bool NoteRequired);

/// <summary>How the dashboard reports a candidate's page losing focus (another window or tab in front).</summary>
public enum FocusLossReporting
{
    /// <summary>Shown on the dashboard, not flagged: open-book tests allow other windows.</summary>
    Shown,

    /// <summary>Raised as an alert for the invigilator.</summary>
    Flagged,

    /// <summary>Not reported.</summary>
    Off,
}

/// <summary>The settings in rules.yml; <see cref="Default"/> holds the value used for each key that is left out.</summary>
public sealed record PlaybookRules(
    int HeartbeatSeconds,
    int DisconnectedAfterSeconds,
    FocusLossReporting FocusLoss,
    int PauseReminderMinutes,
    int MessageMaxLength)
{
    public static PlaybookRules Default { get; } = new(
        HeartbeatSeconds: 10,
        DisconnectedAfterSeconds: 30,
        FocusLoss: FocusLossReporting.Shown,
        PauseReminderMinutes: 20,
        MessageMaxLength: 500);
}

/// <summary>A loaded playbook, null when any file has errors, and every diagnostic found on the way.</summary>
public sealed record PlaybookLoad(Playbook? Playbook, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(diagnostic => diagnostic.Severity == Severity.Error);
}
