namespace AssessmentEngine.Cli;

/// <summary>What `./ae &lt;command&gt;` runs for every command the script does not handle itself.</summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            return args switch
            {
                [] => await ShowUsage(error, BadUsage),
                ["help" or "--help" or "-h", ..] => await ShowUsage(output, Ok),
                ["itembank", .. var rest] => await ItemBankCommands.RunAsync(rest, output, error, cancellationToken),
                ["invigilation", .. var rest] => await InvigilationCommands.RunAsync(rest, output, cancellationToken),
                ["loadtest", .. var rest] => await LoadTestCommands.RunAsync(rest, output, error, cancellationToken),
                ["operator", .. var rest] => await PlatformCommands.OperatorAsync(rest, output, error, cancellationToken),
                ["centre", .. var rest] => await PlatformCommands.CentreAsync(rest, output, error, cancellationToken),
                _ => await Unknown(args[0], error),
            };
        }
        catch (UsageException usage)
        {
            await error.WriteLineAsync($"ae: {usage.Message}");
            return BadUsage;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Never a stack trace: one line a person can act on.
            await error.WriteLineAsync($"ae: {exception.Message}");
            return Failed;
        }
    }

    private static async Task<int> Unknown(string command, TextWriter error)
    {
        await error.WriteLineAsync($"ae: unknown command '{command}'.");
        return await ShowUsage(error, BadUsage);
    }

    private static async Task<int> ShowUsage(TextWriter writer, int code)
    {
        await writer.WriteLineAsync(Usage);
        return code;
    }

    public const string Usage = """
        usage: ./ae <command> [arguments]

          up | test | down | reset          handled by the ./ae script (see ./ae help)

          itembank lint [dir…]              check item banks; prints path:line: error|warning: message
          itembank render <item.md>         the sanitised HTML a candidate receives for one item (never the key)
          itembank coverage [dir…]          per unit: each statement's items and marks against what its blueprint needs
          itembank import [dir…]            import unit folders (or the whole bank) into the configured database
          itembank simulate <unit-folder> [--candidates 30] [--occasions 3] [--seed N]
                                            the forms a sitting would get: repeats, overlap, coverage, exposure

          invigilation lint [folder]        check the invigilation playbook; prints path:line: error|warning: message
          invigilation show [folder]        the playbook's incident codes and rules as the engine reads them

          loadtest setup [--candidates 500] [--sitting-minutes 120] [--out FILE]
                                            a new centre with N candidates booked on a FE6V 35 sitting starting now,
                                            for tools/AssessmentEngine.LoadTest; prints its sign-ins as JSON

          operator create <email> [--name "Full Name"] [--url URL]
                                            make someone a platform operator; a new account gets a one-time link
                                            to choose a password (the first operator of a new install comes from here)
          centre create --number N --name "Centre" --officer EMAIL --officer-name "Full Name" [--units "CODE,CODE"] [--time-zone TZ] [--url URL]
                                            create a centre and invite its first exam officer (a link, or an invitation
                                            for someone who already has an account)

        [dir…] defaults to ./itembank, [folder] to ./invigilation. Exit codes: 0 clean, 1 problems found, 2 bad usage.
        """;
}

/// <summary>The command line was wrong: exit 2 with this message.</summary>
public sealed class UsageException(string message) : Exception(message);
