using System.Text.RegularExpressions;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Architecture;

/// <summary>
/// Every event the engine writes goes through the write path (Infrastructure/Store/StreamWrites.cs), where each kind of
/// write carries its concurrency rule; read from the source, since a plain append compiles anywhere.
/// </summary>
public sealed partial class WritePathTests
{
    private static readonly string Source = Path.Combine(BankFolder.RepositoryRoot, "src");

    [Fact]
    public void No_feature_appends_to_the_event_store_outside_the_write_path()
    {
        var strays = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => Path.GetFileName(path) != "StreamWrites.cs")
            .SelectMany(path => File.ReadLines(path).Select((line, n) => (path, line, n)))
            .Where(entry => DirectWrite().IsMatch(entry.line))
            .Select(entry => $"{Path.GetRelativePath(BankFolder.RepositoryRoot, entry.path)}:{entry.n + 1}: {entry.line.Trim()}")
            .ToList();

        Assert.True(strays.Count == 0, "events written outside StreamWrites:\n" + string.Join("\n", strays));
    }

    [Fact]
    public void The_check_sees_a_plain_append()
    {
        Assert.Matches(DirectWrite(), "        session.Events.Append(id, new Something());");
        Assert.Matches(DirectWrite(), "session.Events.StartStream<Attempt>(id, started);");
        Assert.DoesNotMatch(DirectWrite(), "        session.Record(audit.SubjectId, audit);");
    }

    [GeneratedRegex(@"\.Events\.(Append|StartStream|AppendOptimistic|AppendExclusive|ArchiveStream)\b")]
    private static partial Regex DirectWrite();
}
