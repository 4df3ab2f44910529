namespace AssessmentEngine.Cli;

/// <summary>What `./ae &lt;command&gt;` runs for every command the script does not handle itself.</summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Usage);
            return args.Length == 0 ? BadUsage : Ok;
        }

        await error.WriteLineAsync($"ae: unknown command '{args[0]}'.");
        await error.WriteLineAsync(Usage);
        return BadUsage;
    }

    public const string Usage = """
        usage: ./ae <command> [arguments]

          up | test | down | reset     handled by the ./ae script (./ae help)
        """;
}
