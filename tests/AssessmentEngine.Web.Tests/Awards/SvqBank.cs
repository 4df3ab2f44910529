using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;

namespace AssessmentEngine.Web.Tests.Awards;

/// <summary>The repository's SVQ in Customer Service level 4 (G8NN 24): its sixteen units (unit.md only) and its qualification file.</summary>
public static class SvqBank
{
    public const string Code = "G8NN 24";

    public static readonly string[] Mandatory = ["F05T 04", "F04E 04"];

    /// <summary>Seven optional units, at least one from each theme: with both mandatory units the rules are met.</summary>
    public static readonly string[] SevenOptional = ["F05V 04", "F27R 04", "F27S 04", "F27T 04", "F01S 04", "F04F 04", "F27X 04"];

    public static BankLoad Load()
    {
        var root = Path.Combine(BankFolder.RepositoryRoot, "itembank");
        var files = Directory.GetDirectories(root, "svq-g8nn24-*").ToDictionary(
            folder => $"{Path.GetFileName(folder)}/unit.md", folder => File.ReadAllBytes(Path.Combine(folder, "unit.md")));
        files["qualifications/svq-g8nn24.md"] = File.ReadAllBytes(Path.Combine(root, "qualifications", "svq-g8nn24.md"));
        var load = ItemBankLoader.LoadFiles(files);
        Assert.False(load.HasErrors, string.Join(Environment.NewLine, load.Diagnostics.Where(d => d.Severity == Severity.Error)));
        return load;
    }

    /// <summary>Imports the units and the qualification as the platform does.</summary>
    public static async Task<BankLoad> ImportAsync(IDocumentStore store)
    {
        var load = Load();
        await ImportItemBank.RunAsync(store, load, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
        return load;
    }

    /// <summary>
    /// Records the unit of the enrolment as decided competent and released two days later, as the unit decisions write them: the
    /// candidate has achieved it.
    /// </summary>
    public static Task AchievedAsync(IDocumentStore store, Guid enrolmentId, Candidate candidate, string unit, DateTimeOffset decidedAt) =>
        store.DecideOnViewAsync<UnitOutcome>(enrolmentId, enrolmentId, _ =>
        [
            new UnitDecided(enrolmentId, candidate.Id, candidate.CentreId, unit, 1, Decisions.Competent, "Meets every element", "the portfolio", Guid.NewGuid(), "assessor", decidedAt),
            new UnitResultReleased(enrolmentId, 1, "officer", decidedAt.AddDays(2)),
        ], CancellationToken.None);
}
