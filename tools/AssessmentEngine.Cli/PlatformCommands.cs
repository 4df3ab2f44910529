using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Platform;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssessmentEngine.Cli;

/// <summary>
/// ./ae operator create and ./ae centre create: what the platform operator's page does, for a new install (the first
/// operator can only come from here) and for scripts. Written through the engine's own services, audited like the page.
/// </summary>
public static class PlatformCommands
{
    public static Task<int> OperatorAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) => args switch
    {
        ["create", var email, .. var rest] => CreateOperatorAsync(email, rest, output, error, cancellationToken),
        _ => throw new UsageException("operator takes: create <email> [--name \"Full Name\"] [--url https://engine.example.org]"),
    };

    public static Task<int> CentreAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) => args switch
    {
        ["create", .. var rest] => CreateCentreAsync(rest, output, error, cancellationToken),
        _ => throw new UsageException("centre takes: create --number N --name \"Centre name\" --officer EMAIL --officer-name \"Full Name\" [--units \"FE6V 35,305/695\"] [--time-zone Europe/London] [--url URL]"),
    };

    private static async Task<int> CreateOperatorAsync(string email, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = Options(args, "--name", "--url");
        await using var provider = Services();
        using var scope = provider.CreateScope();
        var platform = scope.ServiceProvider.GetRequiredService<PlatformOperator>();
        try
        {
            var (account, code) = await platform.AppointOperatorAsync(email, options.GetValueOrDefault("--name"), Acting(), cancellationToken);
            await output.WriteLineAsync(code is null
                ? $"{account.SignInName} already had an account and is now a platform operator; they sign in with their password."
                : $"{account.SignInName} is a platform operator. Send them this link (it works once, for 24 hours) to choose a password:\n\n  {PlatformOperator.InvitationLink(Url(options), account, code)}\n");
            return CommandLine.Ok;
        }
        catch (RefusedException refused)
        {
            await error.WriteLineAsync($"ae: {refused.Message}");
            return CommandLine.Failed;
        }
    }

    private static async Task<int> CreateCentreAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = Options(args, "--number", "--name", "--time-zone", "--units", "--officer", "--officer-name", "--url");
        foreach (var required in new[] { "--number", "--name", "--officer", "--officer-name" })
        {
            if (!options.ContainsKey(required))
            {
                throw new UsageException($"centre create needs {required}; see ./ae help.");
            }
        }

        await using var provider = Services();
        using var scope = provider.CreateScope();
        var platform = scope.ServiceProvider.GetRequiredService<PlatformOperator>();
        try
        {
            var (centre, account, code) = await platform.CreateCentreAsync(
                options["--number"], options["--name"], options.GetValueOrDefault("--time-zone"),
                options.GetValueOrDefault("--units")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
                options["--officer"], options["--officer-name"], Acting(), cancellationToken);
            await output.WriteLineAsync($"Created {centre.Name} ({centre.Number}, {centre.TimeZone}), offering {((centre.OfferedUnits ?? []).Count == 0 ? "no units yet" : string.Join(", ", centre.OfferedUnits!))}.");
            await output.WriteLineAsync(code.Length == 0
                ? $"{account.SignInName} already has an account: they were invited as its exam officer and accept after signing in."
                : $"Send {account.SignInName}, its exam officer, this link (it works once, for 24 hours) to choose a password:\n\n  {PlatformOperator.InvitationLink(Url(options), account, code)}\n");
            return CommandLine.Ok;
        }
        catch (RefusedException refused)
        {
            await error.WriteLineAsync($"ae: {refused.Message}");
            return CommandLine.Failed;
        }
    }

    private static Dictionary<string, string> Options(string[] args, params string[] known)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i]))
            {
                throw new UsageException($"unknown option '{args[i]}'; this command takes {string.Join(", ", known)}.");
            }

            options[args[i]] = ++i < args.Length ? args[i] : throw new UsageException($"{args[i - 1]} takes a value.");
        }

        return options;
    }

    private static string Url(Dictionary<string, string> options) =>
        options.GetValueOrDefault("--url") ?? Environment.GetEnvironmentVariable("AE_PUBLIC_URL") ?? $"http://127.0.0.1:{Environment.GetEnvironmentVariable("AE_PORT") ?? "5080"}";

    private static Acting Acting() => new($"command line ({Environment.UserName}@{Environment.MachineName})", "127.0.0.1");

    private static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddMemoryCache()
            .AddSingleton<CurrentAccounts>()
            .AddScoped<CentreRegistry>()
            .AddScoped<PlatformOperator>();
        services.AddStore(configuration, new NodeRoles(Web: false, Worker: false));
        return services.BuildServiceProvider();
    }
}
