using AssessmentEngine.Web.Features.ItemBank;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>
/// The invigilation playbook's instructions (invigilation/instructions.md): what candidates read before they start and
/// what the invigilator reads out. Read once at start-up, rendered and sanitised like the item banks.
/// </summary>
public sealed class Playbook
{
    public Playbook(ItemBankLocation bank, IConfiguration configuration)
    {
        var folder = configuration["Invigilation:Path"] ?? (bank.Path is { } itembank ? Path.Combine(Path.GetDirectoryName(itembank)!, "invigilation") : null);
        var file = folder is null ? null : Path.Combine(folder, "instructions.md");
        var text = file is not null && File.Exists(file) ? File.ReadAllText(file) : "";
        var sections = text.Split("\n# ", StringSplitOptions.None).Select(s => s.TrimStart('#', ' ')).ToList();
        CandidateInstructionsHtml = Render(sections.FirstOrDefault(s => s.StartsWith("For candidates", StringComparison.OrdinalIgnoreCase)));
        ReadAloudHtml = Render(sections.FirstOrDefault(s => s.StartsWith("To read aloud", StringComparison.OrdinalIgnoreCase)));
    }

    public string CandidateInstructionsHtml { get; }

    public string ReadAloudHtml { get; }

    public IReadOnlyList<AssessmentEngine.ItemBank.Invigilation.IncidentCode> IncidentCodes { get; } =
    [
        new("ILL", "Candidate unwell", true), new("FIRE", "Fire alarm or evacuation", false), new("TECH", "Technical failure", true),
        new("MAL", "Suspected malpractice", true), new("LEFT", "Candidate left the room", true), new("OTHER", "Other", true),
    ];

    public AssessmentEngine.ItemBank.Invigilation.PlaybookRules Rules { get; } = AssessmentEngine.ItemBank.Invigilation.PlaybookRules.Default;

    private static string Render(string? section) =>
        section is null ? "" : AssessmentEngine.ItemBank.Markdown.Render(section[(section.IndexOf('\n') is var n && n >= 0 ? n + 1 : section.Length)..]);
}
