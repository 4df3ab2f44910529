using System.Globalization;

namespace AssessmentEngine.LoadTest;

/// <summary>What a run plays. Each option has a command-line flag; the scenario names what the candidates do.</summary>
public sealed record LoadOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    /// <summary>The JSON that `./ae loadtest setup` writes: the sitting, its access code and the sign-ins.</summary>
    public string Setup { get; init; } = "load.json";

    /// <summary>live: candidates join, then heartbeat and answer on schedule while one invigilator watches the grid.</summary>
    public string Scenario { get; init; } = "live";

    public int Candidates { get; init; } = 500;

    /// <summary>Length of the steady state, counted from the end of the ramp.</summary>
    public double Minutes { get; init; } = 5;

    public double HeartbeatSeconds { get; init; } = 10;

    public double AnswerEverySeconds { get; init; } = 20;

    /// <summary>Candidates begin joining spread evenly over this many seconds.</summary>
    public double RampSeconds { get; init; } = 60;

    /// <summary>At most this many candidates sign in, check in and start at once.</summary>
    public int JoinConcurrency { get; init; } = 16;

    /// <summary>The invigilator's admissions a second (the engine allows 20 hub calls a second per connection).</summary>
    public int AdmitsPerSecond { get; init; } = 15;

    public string Results { get; init; } = "loadtest-results.json";

    public int Seed { get; init; } = 1;

    public const string Usage = """
        usage: dotnet run -c Release --project tools/AssessmentEngine.LoadTest -- [options]

          --url URL               the engine (default http://127.0.0.1:5080)
          --setup FILE            sign-ins from ./ae loadtest setup --out FILE (default load.json)
          --scenario live         what the candidates do (live: heartbeats and answers, one invigilator watching)
          --candidates N          how many of the setup's candidates play (default 500)
          --minutes M             steady state after the ramp (default 5)
          --heartbeat S           seconds between a candidate's heartbeats (default 10)
          --answer-every S        seconds between a candidate's answers (default 20)
          --ramp-seconds S        candidates start joining spread over S seconds (default 60)
          --join-concurrency N    at most N candidates signing in / checking in / starting at once (default 16)
          --admits-per-second N   the invigilator's admissions a second (default 15)
          --results FILE          JSON results (default loadtest-results.json)
          --seed N                jitter and answer choices (default 1)

        Run the engine with SignIn__PermitsPerMinute=100000: every candidate signs in from this one address.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{name} needs a value.");
            double Number(double minimum) =>
                double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= minimum
                    ? value
                    : throw new ArgumentException($"{name} takes a number of at least {minimum}.");
            options = name switch
            {
                "--url" => options with { Url = new Uri(Value()) },
                "--setup" => options with { Setup = Value() },
                "--scenario" => options with { Scenario = Value() is "live" ? "live" : throw new ArgumentException("--scenario takes live.") },
                "--candidates" => options with { Candidates = (int)Number(1) },
                "--minutes" => options with { Minutes = Number(0.1) },
                "--heartbeat" => options with { HeartbeatSeconds = Number(1) },
                "--answer-every" => options with { AnswerEverySeconds = Number(1) },
                "--ramp-seconds" => options with { RampSeconds = Number(0) },
                "--join-concurrency" => options with { JoinConcurrency = (int)Number(1) },
                "--admits-per-second" => options with { AdmitsPerSecond = (int)Number(1) },
                "--results" => options with { Results = Value() },
                "--seed" => options with { Seed = (int)Number(int.MinValue) },
                _ => throw new ArgumentException($"unknown option '{name}'."),
            };
        }

        return options;
    }
}
