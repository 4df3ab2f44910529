using System.Text.RegularExpressions;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Architecture;

/// <summary>
/// One refusal type, with no HTTP in it (docs/architecture.md): read from the source as text, so a second refusal
/// exception, or a decider that picks a status code, fails here rather than in review.
/// </summary>
public sealed partial class RefusalTests
{
    private const string TheOneRefusal = "RefusedException";

    private static string Sources => Path.Combine(BankFolder.RepositoryRoot, "src");

    [Fact]
    public void There_is_one_refusal_exception()
    {
        var others = Directory.EnumerateFiles(Sources, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => RefusalClass().Matches(File.ReadAllText(file))
                .Select(match => match.Groups["name"].Value)
                .Where(name => name != TheOneRefusal)
                .Select(name => $"{name} in {Path.GetRelativePath(Sources, file)}"))
            .ToList();

        Assert.Empty(others);
    }

    [Fact]
    public void Deciders_choose_no_status_code()
    {
        var deciders = Directory.EnumerateFiles(Sources, "*Decisions.cs", SearchOption.AllDirectories).ToList();
        var withStatus = deciders.Where(file => File.ReadAllText(file).Contains("StatusCodes.", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Sources, file))
            .ToList();

        Assert.NotEmpty(deciders);
        Assert.Empty(withStatus);
    }

    // A class named *Refused* (or *Superseded*, the old name for one kind) deriving from an exception.
    [GeneratedRegex(@"class\s+(?<name>\w*(Refused|Superseded)\w*)\b[^{;]*?:\s*(\w+\.)*\w*Exception\b")]
    private static partial Regex RefusalClass();
}
