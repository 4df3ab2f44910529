using AssessmentEngine.Web.Features.Attempts;
using NetArchTest.Rules;

namespace AssessmentEngine.Web.Tests.Architecture;

/// <summary>
/// The rules between feature folders (docs/architecture.md): a feature may use another, but no two features may need
/// each other, directly or round a loop.
/// </summary>
public sealed class FeatureDependencyTests
{
    private const string Features = "AssessmentEngine.Web.Features.";

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Graph = new(Dependencies);

    [Fact]
    public void No_loop_between_features()
    {
        var loops = Loops(Graph.Value);

        Assert.True(loops.Count == 0, "loops between features: " + string.Join("; ", loops.Select(loop => string.Join(" ⇄ ", loop))) + "; break them (see docs/architecture.md)");
    }

    [Fact]
    public void A_loop_added_between_the_features_is_found()
    {
        var graph = Graph.Value.ToDictionary(entry => entry.Key, entry => entry.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        graph["Identity"].Add("Attempts");

        Assert.Contains(Loops(graph), loop => loop.Contains("Identity") && loop.Contains("Attempts"));
    }

    [Fact]
    public void Attempts_do_not_call_invigilation_the_store_pushes_their_changes()
    {
        Assert.DoesNotContain("Invigilation", Graph.Value["Attempts"]);
    }

    [Fact]
    public void The_loop_finder_finds_a_loop_when_one_is_added()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = [], ["D"] = ["A"],
        };
        Assert.Empty(Loops(graph));

        graph["C"].Add("A");

        Assert.Equal(["A", "B", "C"], Assert.Single(Loops(graph)));
    }

    // The features and, for each, the others its types use (signatures and code).
    private static Dictionary<string, HashSet<string>> Dependencies()
    {
        var assembly = typeof(Attempt).Assembly;
        var names = assembly.GetTypes().Select(type => type.Namespace).OfType<string>().Where(ns => ns.StartsWith(Features, StringComparison.Ordinal))
            .Select(ns => ns[Features.Length..].Split('.')[0]).Distinct(StringComparer.Ordinal).ToList();
        return names.ToDictionary(name => name, name => names.Where(other => other != name && !Types.InAssembly(assembly)
            .That().ResideInNamespace(Features + name)
            .Should().NotHaveDependencyOnAny(Features + other).GetResult().IsSuccessful).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    // The strongly connected components of more than one feature, each sorted (Tarjan's algorithm).
    private static List<string[]> Loops(Dictionary<string, HashSet<string>> graph)
    {
        var (index, low, onStack, stack, loops) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new HashSet<string>(), new Stack<string>(), new List<string[]>());
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    loops.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal).Where(node => !index.ContainsKey(node)))
        {
            Visit(node);
        }

        return loops;
    }
}
