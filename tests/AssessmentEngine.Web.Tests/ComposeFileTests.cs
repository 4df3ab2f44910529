using System.Net;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests;

/// <summary>What docker-compose.yml promises about its database password and its load balancer, read from the file itself.</summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(BankFolder.RepositoryRoot, "docker-compose.yml"));

    [Fact]
    public void The_database_password_has_no_default_and_compose_refuses_to_start_without_one()
    {
        var uses = PasswordUse().Matches(Compose);
        Assert.NotEmpty(uses);
        Assert.All(uses, use => Assert.Equal(":?", use.Groups[1].Value));
        Assert.DoesNotContain("change-me", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public void The_web_nodes_trust_the_load_balancers_part_of_the_edge_network_and_not_its_gateway()
    {
        var trusted = IPNetwork.Parse(Value("ForwardedHeaders__TrustedNetworks"));
        var subnet = IPNetwork.Parse(Value("subnet"));
        var gateway = IPAddress.Parse(Value("gateway"));

        Assert.Equal(IPNetwork.Parse(Value("ip_range")), trusted); // where Docker places the balancer's container
        Assert.True(subnet.Contains(trusted.BaseAddress) && trusted.PrefixLength > subnet.PrefixLength, $"{trusted} is not inside {subnet}");
        Assert.False(trusted.Contains(gateway), $"{trusted} contains the gateway {gateway}, through which published ports reach the nodes");
        Assert.Equal(2, Regex.Count(Compose, @"environment: \*web-environment\s+networks: \[default, edge\]"));
    }

    private static string Value(string key)
    {
        var match = Regex.Match(Compose, $@"\b{Regex.Escape(key)}:\s*""?([^""\s]+)""?");
        Assert.True(match.Success, $"docker-compose.yml sets no {key}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"\$\{AE_DB_PASSWORD(:?[-?=+]?)")]
    private static partial Regex PasswordUse();
}
