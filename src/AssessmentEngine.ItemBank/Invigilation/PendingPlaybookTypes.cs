namespace AssessmentEngine.ItemBank.Invigilation;

// Placeholder shapes of the playbook types until the playbook loader lands; removed when it does.
public enum FocusLossReporting { Shown, Flagged, Off }

public sealed record IncidentCode(string Code, string Title, bool NoteRequired);

public sealed record PlaybookRules(int HeartbeatSeconds, int DisconnectedAfterSeconds, FocusLossReporting FocusLoss, int PauseReminderMinutes, int MessageMaxLength)
{
    public static PlaybookRules Default { get; } = new(10, 30, FocusLossReporting.Shown, 20, 500);
}
