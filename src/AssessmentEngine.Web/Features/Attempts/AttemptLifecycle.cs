using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>What can be asked of an attempt.</summary>
public enum AttemptCommand { Admit, RefuseAdmission, Start, Save, Pause, Resume, Extend, Void, Submit, TimeUp }

/// <summary>
/// The attempt's lifecycle as one table: the commands each state accepts. A command a state does not accept is refused
/// with the reason, before any decision is made, and writes nothing. Some accepted commands change nothing in that state
/// (admitting twice, starting twice, submitting once submitted); a save after submission or voiding is accepted only to
/// record its refusal. While paused, a test under way takes no answers.
/// </summary>
public static class AttemptLifecycle
{
    private static readonly Dictionary<AttemptStatus, AttemptCommand[]> Accepts = new()
    {
        [AttemptStatus.Waiting] = [AttemptCommand.Admit, AttemptCommand.RefuseAdmission, AttemptCommand.Submit, AttemptCommand.TimeUp],
        [AttemptStatus.Admitted] = [AttemptCommand.Admit, AttemptCommand.RefuseAdmission, AttemptCommand.Start, AttemptCommand.Void, AttemptCommand.Submit, AttemptCommand.TimeUp],
        [AttemptStatus.Refused] = [AttemptCommand.Admit, AttemptCommand.Submit, AttemptCommand.TimeUp],
        [AttemptStatus.InProgress] =
        [
            AttemptCommand.Admit, AttemptCommand.Start, AttemptCommand.Save, AttemptCommand.Pause, AttemptCommand.Resume, AttemptCommand.Extend,
            AttemptCommand.Void, AttemptCommand.Submit, AttemptCommand.TimeUp,
        ],
        // Malpractice found after the test still voids it.
        [AttemptStatus.Submitted] = [AttemptCommand.Admit, AttemptCommand.Save, AttemptCommand.Void, AttemptCommand.Submit, AttemptCommand.TimeUp],
        [AttemptStatus.Voided] = [AttemptCommand.Save, AttemptCommand.Submit, AttemptCommand.TimeUp],
    };

    /// <summary>Whether the attempt as it stands accepts the command.</summary>
    public static bool AcceptsCommand(this Attempt attempt, AttemptCommand command) =>
        Accepts[attempt.Status].Contains(command) && !(command == AttemptCommand.Save && attempt is { InProgress: true, PausedAt: not null });

    /// <summary>Refuses, with the reason its state gives, a command the attempt does not accept.</summary>
    public static void Require(Attempt attempt, AttemptCommand command)
    {
        if (attempt.AcceptsCommand(command))
        {
            return;
        }

        throw new RefusedException(RefusalKind.Conflict, WhyNot(attempt));
    }

    /// <summary>Why the attempt as it stands turns away what it does not accept, in words for the candidate.</summary>
    public static string WhyNot(Attempt attempt) => attempt switch
    {
        { InProgress: true, PausedAt: not null } => "The invigilator has paused your test: your answers are kept on this computer and saved when it resumes.",
        { Status: AttemptStatus.Waiting } => "The invigilator has not admitted you yet.",
        { Status: AttemptStatus.Admitted } => "The test has not started yet.",
        { Status: AttemptStatus.Refused } => $"You were not admitted to this sitting: {attempt.RefusalReason}",
        { Status: AttemptStatus.InProgress } => "The test is already under way.",
        { Status: AttemptStatus.Submitted } => "This attempt has already been submitted.",
        _ => $"This attempt was voided: {attempt.VoidReason}. Nothing more can be done with it.",
    };
}
