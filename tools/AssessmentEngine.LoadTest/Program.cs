using System.Text.Json;
using AssessmentEngine.LoadTest;

if (args is ["--help" or "-h" or "help", ..])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
LoadSetup setup;
try
{
    options = LoadOptions.Parse(args);
    setup = JsonSerializer.Deserialize<LoadSetup>(await File.ReadAllTextAsync(options.Setup), EngineClient.Json)
        ?? throw new ArgumentException($"{options.Setup} is empty.");
    if (setup.Candidates.Count < options.Candidates)
    {
        throw new ArgumentException($"{options.Setup} has {setup.Candidates.Count} candidates; run ./ae loadtest setup --candidates {options.Candidates} --out {options.Setup}.");
    }
}
catch (Exception exception) when (exception is ArgumentException or IOException or JsonException or UriFormatException)
{
    await Console.Error.WriteLineAsync($"loadtest: {exception.Message}\n\n{LoadOptions.Usage}");
    return 2;
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

Console.WriteLine(results.Table());
await File.WriteAllTextAsync(options.Results, JsonSerializer.Serialize(results, new JsonSerializerOptions(EngineClient.Json) { WriteIndented = true }));
Console.WriteLine($"  results written to {options.Results}");
return results.Failed ? 1 : 0;
