using System.Text.Json;
using AssessmentEngine.LoadTest;

if (args is ["--help" or "-h" or "help", ..])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
LoadSetup setup;
EvidenceSetup? evidence = null;
try
{
    options = LoadOptions.Parse(args);
    var json = await File.ReadAllTextAsync(options.Setup);
    if (options.Scenario == "evidence")
    {
        evidence = JsonSerializer.Deserialize<EvidenceSetup>(json, EngineClient.Json) ?? throw new ArgumentException($"{options.Setup} is empty.");
    }

    setup = evidence is not null
        ? new LoadSetup(Guid.Empty, "", "", evidence.CentreNumber, evidence.CandidatePassword, "", "", null, [])
        : JsonSerializer.Deserialize<LoadSetup>(json, EngineClient.Json) ?? throw new ArgumentException($"{options.Setup} is empty.");
    if (evidence is null && setup.Candidates.Count < options.Candidates)
    {
        throw new ArgumentException($"{options.Setup} has {setup.Candidates.Count} candidates; run ./ae loadtest setup --candidates {options.Candidates} --out {options.Setup}.");
    }
}
catch (Exception exception) when (exception is ArgumentException or IOException or JsonException or UriFormatException)
{
    await Console.Error.WriteLineAsync($"loadtest: {exception.Message}\n\n{LoadOptions.Usage}");
    return 2;
}

if (evidence is not null)
{
    try
    {
        return await EvidenceAsync(options, evidence);
    }
    catch (ArgumentException exception)
    {
        await Console.Error.WriteLineAsync($"loadtest: {exception.Message}");
        return 2;
    }
}

// Thousands of connections start at once: don't let the thread pool's slow growth be what the run measures.
ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 16), 64);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

RunResults results;
try
{
    results = await ExamSitting.RunAsync(options, setup, Console.Out, stop.Token);
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync($"loadtest: {exception.Message}");
    return 2;
}

return await WrittenAsync(results, results.Table(), results.Failed, options.Results);

static async Task<int> WrittenAsync<T>(T results, string table, bool failed, string file)
{
    Console.WriteLine(table);
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(results, new JsonSerializerOptions(EngineClient.Json) { WriteIndented = true }));
    Console.WriteLine($"  results written to {file}");
    return failed ? 1 : 0;
}

// Evidence uploads: the engine's working set while candidates upload and download files (see EvidenceUploads).
static async Task<int> EvidenceAsync(LoadOptions options, EvidenceSetup setup)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    var results = await EvidenceUploads.RunAsync(options, setup, Console.Out, stop.Token);
    return await WrittenAsync(results, results.Table(), results.Failed, options.Results);
}
