using System.Diagnostics;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssessmentEngine.Cli;

/// <summary>./ae itembank lint | render | coverage | import.</summary>
public static class ItemBankCommands
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) => args switch
    {
        ["lint", .. var paths] => Lint(Paths(paths), output),
        ["render", var file] => Render(file, output, error),
        ["render", ..] => throw new UsageException("itembank render takes exactly one item file: ./ae itembank render itembank/<unit>/items/<id>.md"),
        ["coverage", .. var paths] => Coverage(Paths(paths), output),
        ["import", .. var paths] => Import(Paths(paths), output, error, cancellationToken),
        ["simulate", .. var rest] => Simulate(rest, output, error),
        [var other, ..] => throw new UsageException($"unknown itembank command '{other}'; it takes lint, render, coverage, import or simulate."),
        [] => throw new UsageException("itembank takes lint, render, coverage, import or simulate."),
    };

    private static string[] Paths(string[] given)
    {
        if (given.Any(path => path.StartsWith('-')))
        {
            throw new UsageException($"unknown option '{given.First(path => path.StartsWith('-'))}'.");
        }

        var paths = given.Length > 0 ? given : ["itembank"];
        var missing = paths.Where(path => !Directory.Exists(path) && !File.Exists(path)).ToArray();
        if (missing.Length > 0)
        {
            throw new UsageException($"no such file or folder: {string.Join(", ", missing)}");
        }

        return paths;
    }

    private static BankLoad Load(string[] paths) => ItemBankLoader.Load(paths, Directory.GetCurrentDirectory());

    private static async Task<int> Lint(string[] paths, TextWriter output)
    {
        var bank = Load(paths);
        foreach (var diagnostic in bank.Diagnostics)
        {
            await output.WriteLineAsync(diagnostic.ToString());
        }

        await output.WriteLineAsync(Summary(bank));
        return bank.HasErrors ? CommandLine.Failed : CommandLine.Ok;
    }

    private static string Summary(BankLoad bank)
    {
        var errors = bank.Diagnostics.Count(d => d.Severity == Severity.Error);
        var warnings = bank.Diagnostics.Count(d => d.Severity == Severity.Warning);
        var items = bank.Units.Sum(unit => unit.Items.Count);
        return $"{errors} error(s), {warnings} warning(s); {bank.Units.Count} unit(s), {items} item(s), {bank.Qualifications.Count} qualification(s) without errors";
    }

    private static async Task<int> Render(string file, TextWriter output, TextWriter error)
    {
        if (!File.Exists(file))
        {
            throw new UsageException($"no such file: {file}");
        }

        // An item is checked against its unit: load the unit folder that holds it.
        var full = Path.GetFullPath(file);
        var unitFolder = Path.GetDirectoryName(Path.GetDirectoryName(full)) ?? throw new UsageException($"{file} is not inside a unit folder's items/ folder.");
        var bank = ItemBankLoader.Load([unitFolder], Directory.GetCurrentDirectory());
        var item = bank.Units.SelectMany(unit => unit.Items)
            .FirstOrDefault(candidate => Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), candidate.SourcePath)) == full);
        var own = bank.Diagnostics.Where(d => Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), d.Path)) == full).ToList();
        foreach (var diagnostic in own)
        {
            await error.WriteLineAsync(diagnostic.ToString());
        }

        if (item is null)
        {
            await error.WriteLineAsync($"ae: {file} has errors (above) or is not an item of {Path.GetFileName(unitFolder)}; nothing to render.");
            return CommandLine.Failed;
        }

        await output.WriteLineAsync(ItemRenderer.CandidateHtml(item));
        return CommandLine.Ok;
    }

    private static async Task<int> Coverage(string[] paths, TextWriter output)
    {
        var bank = Load(paths);
        var below = 0;
        foreach (var unit in bank.Units)
        {
            var rows = ItemBank.Coverage.For(unit);
            await output.WriteLineAsync($"{unit.Code} — {unit.Title} ({unit.Items.Count} items)");
            await output.WriteLineAsync($"  {"statement",-10} {"items",5} {"marks",5} {"needs",5}");
            foreach (var row in rows)
            {
                var flag = row.BelowDepth ? "  BELOW DEPTH" : row.Online ? "" : "  (not online)";
                below += row.BelowDepth ? 1 : 0;
                await output.WriteLineAsync($"  {row.Reference,-10} {row.Items,5} {row.Marks,5} {row.Needed,5}{flag}");
            }

            await output.WriteLineAsync("");
        }

        var errors = bank.Diagnostics.Count(d => d.Severity == Severity.Error);
        await output.WriteLineAsync($"{below} statement(s) below the depth their blueprints need; {errors} lint error(s) (./ae itembank lint)");
        return below > 0 || errors > 0 ? CommandLine.Failed : CommandLine.Ok;
    }

    /// <summary>./ae itembank simulate &lt;unit-folder&gt; --candidates 30 --occasions 3 [--seed N]: is the bank deep enough?</summary>
    private static async Task<int> Simulate(string[] args, TextWriter output, TextWriter error)
    {
        string? folder = null;
        int candidates = 30, occasions = 3, seed = 1;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--candidates":
                    candidates = Number(args, ++i, "--candidates", 1, 5000);
                    break;
                case "--occasions":
                    occasions = Number(args, ++i, "--occasions", 1, 20);
                    break;
                case "--seed":
                    seed = Number(args, ++i, "--seed", int.MinValue, int.MaxValue);
                    break;
                case var option when option.StartsWith('-'):
                    throw new UsageException($"unknown option '{option}'; simulate takes --candidates N, --occasions N and --seed N.");
                case var path when folder is null:
                    folder = path;
                    break;
                default:
                    throw new UsageException("simulate takes one unit folder.");
            }
        }

        if (folder is null || !File.Exists(Path.Combine(folder, "unit.md")))
        {
            throw new UsageException("simulate takes a unit folder (one holding unit.md): ./ae itembank simulate itembank/fe6v35 --candidates 30 --occasions 3");
        }

        var bank = Load([folder]);
        foreach (var diagnostic in bank.Diagnostics.Where(d => d.Severity == Severity.Error))
        {
            await error.WriteLineAsync(diagnostic.ToString());
        }

        var unit = bank.Units.SingleOrDefault();
        if (unit is null || unit.Blueprints.Count == 0)
        {
            await error.WriteLineAsync($"ae: {folder} has {(unit is null ? "errors (above)" : "no test blueprint (test.md)")}; nothing to simulate.");
            return CommandLine.Failed;
        }

        var clean = true;
        var today = DateOnly.FromDateTime(DateTime.Today);
        foreach (var blueprint in unit.Blueprints)
        {
            var report = AssessmentEngine.ItemBank.Sampling.Simulation.Run(unit, blueprint, candidates, occasions, seed, today);
            await output.WriteLineAsync(report.ToString());
            clean &= report.Infeasibilities.Count == 0 && report.TotalRepeats == 0;
        }

        return clean ? CommandLine.Ok : CommandLine.Failed;
    }

    private static int Number(string[] args, int index, string option, int minimum, int maximum) =>
        index < args.Length && int.TryParse(args[index], out var value) && value >= minimum && value <= maximum
            ? value
            : throw new UsageException($"{option} takes a whole number from {minimum} to {maximum}.");

    private static async Task<int> Import(string[] paths, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (paths.Any(File.Exists))
        {
            throw new UsageException("import takes unit folders or the bank folder, not single files (a missing file retires its item).");
        }

        var bank = Load(paths);
        if (bank.HasErrors)
        {
            foreach (var diagnostic in bank.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(configuration)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System);
        services.AddStore(configuration, new NodeRoles(Web: false, Worker: false));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);

        var authors = new GitAuthors();
        var actor = $"{Environment.UserName}@{Environment.MachineName}";
        var counts = await ImportItemBank.RunAsync(store, bank, retireMissing: true, ImportRights.Platform, authors.For, actor, TimeProvider.System, cancellationToken);
        await output.WriteLineAsync(counts.ToString());
        return CommandLine.Ok;
    }
}

/// <summary>Who last changed an item's file, from git where it is tracked; the person running the import otherwise.</summary>
internal sealed class GitAuthors
{
    private readonly string _fallback = $"{Environment.UserName}@{Environment.MachineName}";

    public string For(Item item)
    {
        try
        {
            var path = Path.GetFullPath(item.SourcePath);
            var start = new ProcessStartInfo("git", ["log", "-1", "--format=%an <%ae>", "--", path])
            {
                WorkingDirectory = Path.GetDirectoryName(path)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = Process.Start(start);
            if (git is null)
            {
                return _fallback;
            }

            var author = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && author.Length > 0 ? author : _fallback;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return _fallback;
        }
    }
}
