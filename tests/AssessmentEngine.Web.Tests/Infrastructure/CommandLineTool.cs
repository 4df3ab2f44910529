using System.Diagnostics;
using System.Text.RegularExpressions;
using AssessmentEngine.Web.Tests.ItemBank;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>The command-line tool as ./ae runs it (the built dll), on a test's database; stopped if it outlives its limit.</summary>
public static partial class CommandLineTool
{
    public static async Task<(int Exit, string Printed)> RunAsync(string connectionString, params string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var tool = Path.Combine(BankFolder.RepositoryRoot, "tools", "AssessmentEngine.Cli", "bin", configuration, "net10.0", "AssessmentEngine.Cli.dll");
        var start = new ProcessStartInfo("dotnet", [tool, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the command-line tool did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Waits.Request);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>A one-time link the tool (or a page) prints: the set-a-password page with the name and code filled in.</summary>
    [GeneratedRegex(@"https?://[^\s<""]+/reset-password\?name=[^\s<""]+")]
    public static partial Regex Link();
}
