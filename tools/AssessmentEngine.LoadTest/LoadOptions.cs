using System.Globalization;

namespace AssessmentEngine.LoadTest;

/// <summary>What a run plays. Each option has a command-line flag.</summary>
public sealed record LoadOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    /// <summary>The JSON that `./ae loadtest setup` writes: the sitting, its access code and the sign-ins.</summary>
    public string Setup { get; init; } = "load.json";

    public int Candidates { get; init; } = 1000;

    /// <summary>Length of the steady state, counted from the moment the last candidate is in.</summary>
    public double Minutes { get; init; } = 10;

    public double HeartbeatSeconds { get; init; } = 10;

    public double AnswerEverySeconds { get; init; } = 20;

    /// <summary>Candidates arrive (sign in, check in, start) spread evenly over this many seconds: the synchronised start.</summary>
    public double StartSeconds { get; init; } = 60;

    /// <summary>At the end, every candidate submits at a random moment within this many seconds (0: nobody submits).</summary>
    public double SubmitSeconds { get; init; } = 30;

    /// <summary>At most this many candidates in the middle of a request while arriving (a browser's own limit is per person; this is the tool's).</summary>
    public int JoinConcurrency { get; init; } = 256;

    /// <summary>Candidates per invigilator: each invigilator admits their share and watches the whole room's grid.</summary>
    public int PerInvigilator { get; init; } = 100;

    /// <summary>Each invigilator's admissions a second (the engine allows 20 hub calls a second per connection).</summary>
    public int AdmitsPerSecond { get; init; } = 15;

    /// <summary>code: the one-time code the centre printed (exam day); password: the candidate's password (PBKDF2 on every sign-in).</summary>
    public string SignIn { get; init; } = "code";

    public string Results { get; init; } = "loadtest-results.json";

    public int Seed { get; init; } = 1;

    /// <summary>exam (the default): the sitting above; evidence: candidates upload and download one file each (--file-mb, --concurrent).</summary>
    public string Scenario { get; init; } = "exam";

    /// <summary>Evidence: the size of each candidate's file in MB (MiB, as the engine's limit counts them).</summary>
    public int FileMb { get; init; } = 20;

    /// <summary>Evidence: how many candidates upload at the same moment, one file each.</summary>
    public int Concurrent { get; init; } = 50;

    /// <summary>Evidence: pdf (%PDF-1.7 then random bytes: the word count runs PdfPig on it) or mp4 (an ftyp box then random bytes: nothing parsed).</summary>
    public string FileKind { get; init; } = "pdf";

    /// <summary>Evidence: the size of each PATCH in MB, as the page's upload client sends them.</summary>
    public int PieceMb { get; init; } = 4;

    public const string Usage = """
        usage: dotnet run -c Release --project tools/AssessmentEngine.LoadTest -- [options]

        The exam: N candidates sign in, check in and start within the same minute; then each answers an item every 20 s
        and sends a heartbeat every 10 s for 10 minutes, one invigilator per 100 candidates admitting them and watching
        the grid; then every candidate submits within 30 s. Every answer is checked against the engine's copy before
        submission. CPU and memory of the engine and PostgreSQL are sampled from /proc throughout.

          --url URL               the engine (default http://127.0.0.1:5080)
          --setup FILE            sign-ins from ./ae loadtest setup --out FILE (default load.json)
          --candidates N          how many of the setup's candidates play (default 1000)
          --minutes M             steady state once everyone is in (default 10)
          --heartbeat S           seconds between a candidate's heartbeats (default 10)
          --answer-every S        seconds between a candidate's answers (default 20)
          --start-seconds S       candidates arrive spread over S seconds (default 60)
          --submit-seconds S      everyone submits within S seconds at the end (default 30; 0: nobody submits)
          --join-concurrency N    at most N arriving candidates mid-request at once (default 256)
          --per-invigilator N     candidates per invigilator (default 100; the setup must have that many invigilators)
          --admits-per-second N   each invigilator's admissions a second (default 15)
          --sign-in code|password the one-time code the centre printed (default) or the password (PBKDF2 every time)
          --results FILE          JSON results (default loadtest-results.json)
          --seed N                jitter and answer choices (default 1)

        --scenario evidence: each of N candidates (a setup from ./ae loadtest setup-evidence) signs in, opens the brief's
        page for its upload token, uploads one generated file at the same moment as the others (tus, in pieces streamed
        from a generator: never the whole file in memory), then downloads it and checks its SHA-256. The engine's
        resident set (VmRSS) is sampled every 250 ms: idle before, during and after.

          --scenario exam|evidence  what to play (default exam)
          --file-mb N             evidence: each file's size in MB (default 20; the engine takes at most 200)
          --concurrent N          evidence: candidates uploading at once, one file each (default 50)
          --file-kind pdf|mp4     evidence: %PDF-1.7 (words counted by PdfPig) or an MP4 ftyp box, then random bytes (default pdf)
          --piece-mb N            evidence: MB per PATCH (default 4)

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
                "--candidates" => options with { Candidates = (int)Number(1) },
                "--minutes" => options with { Minutes = Number(0.1) },
                "--heartbeat" => options with { HeartbeatSeconds = Number(1) },
                "--answer-every" => options with { AnswerEverySeconds = Number(1) },
                "--start-seconds" or "--ramp-seconds" => options with { StartSeconds = Number(0) },
                "--submit-seconds" => options with { SubmitSeconds = Number(0) },
                "--join-concurrency" => options with { JoinConcurrency = (int)Number(1) },
                "--per-invigilator" => options with { PerInvigilator = (int)Number(1) },
                "--admits-per-second" => options with { AdmitsPerSecond = (int)Number(1) },
                "--sign-in" => options with { SignIn = Value() switch { "code" => "code", "password" => "password", _ => throw new ArgumentException("--sign-in takes code or password.") } },
                "--results" => options with { Results = Value() },
                "--seed" => options with { Seed = (int)Number(int.MinValue) },
                "--scenario" => options with { Scenario = Value() switch { "exam" => "exam", "evidence" => "evidence", _ => throw new ArgumentException("--scenario takes exam or evidence.") } },
                "--file-mb" => options with { FileMb = (int)Number(1) },
                "--concurrent" => options with { Concurrent = (int)Number(1) },
                "--file-kind" => options with { FileKind = Value() switch { "pdf" => "pdf", "mp4" => "mp4", _ => throw new ArgumentException("--file-kind takes pdf or mp4.") } },
                "--piece-mb" => options with { PieceMb = (int)Number(1) },
                _ => throw new ArgumentException($"unknown option '{name}'."),
            };
        }

        return options;
    }
}
