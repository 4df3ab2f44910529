using AssessmentEngine.Web.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AssessmentEngine.Web.Tests;

public sealed class NodeRolesTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData("web,worker", true, true)]
    [InlineData("web", true, false)]
    [InlineData(" Worker ", false, true)]
    [InlineData("worker;web", true, true)]
    public void Roles_are_read_from_configuration(string? text, bool web, bool worker)
    {
        var roles = NodeRoles.From(Configuration(text));
        Assert.Equal(new NodeRoles(web, worker), roles);
    }

    [Theory]
    [InlineData("webb")]
    [InlineData("web,cron")]
    public void Unknown_roles_are_refused_with_a_message_that_names_them(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() => NodeRoles.From(Configuration(text)));
        Assert.Contains("Node:Roles", error.Message, StringComparison.Ordinal);
        Assert.Contains(text.Split(',')[^1], error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? roles) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Node:Roles"] = roles }).Build();
}
