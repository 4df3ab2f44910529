using AssessmentEngine.ItemBank.Invigilation;
using AssessmentEngine.Web.Features.ItemBank;

namespace AssessmentEngine.Web.Features.Sittings;

/// <summary>
/// The invigilation playbook (invigilation/: instructions, incident codes, rules), loaded and linted once at start-up.
/// A playbook with errors is not half-used: the engine logs them (./ae invigilation lint shows them too) and runs on
/// the defaults, so a typo in a centre's file never stops a sitting.
/// </summary>
public sealed class InvigilationPlaybook
{
    private static readonly IReadOnlyList<IncidentCode> DefaultCodes =
    [
        new("ILL", "Candidate unwell", true), new("FIRE", "Fire alarm or evacuation", false), new("TECH", "Technical failure", true),
        new("MAL", "Suspected malpractice", true), new("LEFT", "Candidate left the room", true), new("OTHER", "Other", true),
    ];

    public InvigilationPlaybook(ItemBankLocation bank, IConfiguration configuration, ILogger<InvigilationPlaybook> logger)
    {
        var folder = configuration["Invigilation:Path"] ?? (bank.Path is { } itembank ? Path.Combine(Path.GetDirectoryName(itembank)!, "invigilation") : null);
        Playbook? playbook = null;
        if (folder is not null && Directory.Exists(folder))
        {
            var load = PlaybookLoader.Load(folder, folder);
            foreach (var diagnostic in load.Diagnostics)
            {
                logger.LogWarning("Invigilation playbook: {Diagnostic}", diagnostic.ToString());
            }

            playbook = load.Playbook;
        }

        if (playbook is null)
        {
            logger.LogWarning("No usable invigilation playbook in {Folder} (set Invigilation:Path); running on the default rules and incident codes", folder ?? "(none)");
        }

        CandidateInstructionsHtml = playbook?.CandidateInstructionsHtml ?? "";
        ReadAloudHtml = playbook?.ReadAloudHtml ?? "";
        IncidentCodes = playbook?.IncidentCodes ?? DefaultCodes;
        Rules = playbook?.Rules ?? PlaybookRules.Default;
    }

    public string CandidateInstructionsHtml { get; }

    public string ReadAloudHtml { get; }

    public IReadOnlyList<IncidentCode> IncidentCodes { get; }

    public PlaybookRules Rules { get; }
}
