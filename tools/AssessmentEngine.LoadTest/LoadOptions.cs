using System.Globalization;
using System.Text.Json.Serialization;

namespace AssessmentEngine.LoadTest;

/// <summary>What a run plays. Each option has a command-line flag.</summary>
public sealed record LoadOptions
{
    /// <summary>The engine's nodes: candidate i and invigilator j use node i mod n and j mod n, as behind a sticky balancer.</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [new("http://127.0.0.1:5080")];

    /// <summary>exam-day (the default): arrivals over the minutes before the start, admission in batches, the room started at once; stress: everyone within a minute, one admission per call, each candidate pressing Start.</summary>
    public string Flow { get; init; } = "exam-day";

    /// <summary>Exam day: candidates arrive spread evenly over this many minutes before the start time (run start + these minutes).</summary>
    public double ArriveMinutes { get; init; } = 10;

    /// <summary>Exam day: each invigilator admits everyone ticked since the last call this often (one AdmitTicked call, 500 ids at most).</summary>
    public double AdmitEverySeconds { get; init; } = 10;

    /// <summary>Exam day: room (each invigilator starts the room once at the start time) or candidates (each presses Start within a minute of it).</summary>
    public string StartBy { get; init; } = "room";

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

    /// <summary>The node that person <paramref name="index"/> (a candidate's or an invigilator's own number) keeps for the whole run.</summary>
    public Uri Node(int index) => Urls[index % Urls.Count];

    [JsonIgnore]
    public bool ExamDay => Flow == "exam-day";

    public const string Usage = """
        usage: dotnet run -c Release --project tools/AssessmentEngine.LoadTest -- [options]

        The exam, --flow exam-day (the default): N candidates arrive spread over the 10 minutes before the start time;
        each signs in, checks in, joins the live connection (heartbeats every 10 s from then on) and waits to be admitted.
        One invigilator per 100 candidates ticks each of their share's identity as they check in and admits everyone
        ticked every 10 s in one AdmitTicked call; at the start time one invigilator starts the room (StartRoom) and each
        candidate opens the test when told it has started (a candidate admitted after that presses Start). Arrival →
        admitted, the invigilators' calls and room start → first item are timed.
        --flow stress: everyone signs in, checks in and starts within the same minute, each admitted by one Admit call
        and pressing Start once admitted.
        Then, for both, each candidate answers an item every 20 s and sends a heartbeat every 10 s for 10 minutes while
        the invigilators watch the grid; then every candidate submits within 30 s. Every answer is checked against the
        engine's copy before submission. CPU and memory (PSS) of the engine and PostgreSQL are sampled from /proc
        throughout, the engine's idle for 5 s before anyone arrives: the difference in the steady state, divided by the
        candidates connected, is the engine's memory per connected candidate (measure it on an engine fresh from start-up:
        one that has served a run already keeps much of that memory while idle). The engine's figures are summed over every
        process on this box running AssessmentEngine.Web.dll (only those whose command line names a node's port, if any
        does, as ./ae up's do); the table says how many it saw. A reading phase of 5,000 candidates:
        --candidates 5000 --answer-every 60 --heartbeat 10 --minutes 10.

          --url URL[,URL...]      the engine; several nodes comma-separated, candidate i and invigilator j on node
                                  i mod n and j mod n (default http://127.0.0.1:5080)
          --flow exam-day|stress  the exam day above (default) or everyone within a minute
          --setup FILE            sign-ins from ./ae loadtest setup --out FILE (default load.json)
          --candidates N          how many of the setup's candidates play (default 1000)
          --minutes M             steady state once everyone is in, from the start time at the earliest (default 10)
          --heartbeat S           seconds between a candidate's heartbeats (default 10)
          --answer-every S        seconds between a candidate's answers (default 20)
          --arrive-minutes M      exam-day: candidates arrive over M minutes; the start time is M minutes after the run
                                  starts (default 10)
          --admit-every S         exam-day: each invigilator's AdmitTicked call every S seconds (default 10)
          --start-by room|candidates
                                  exam-day: one invigilator calls StartRoom at the start time (default), or each
                                  candidate presses Start at a random moment within 60 s after it
          --start-seconds S       stress: candidates arrive spread over S seconds (default 60)
          --submit-seconds S      everyone submits within S seconds at the end (default 30; 0: nobody submits)
          --join-concurrency N    at most N arriving candidates mid-request at once (default 256)
          --per-invigilator N     candidates per invigilator (default 100; the setup must have that many invigilators)
          --admits-per-second N   stress: each invigilator's Admit calls a second (default 15)
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
                "--url" => options with { Urls = Nodes(Value()) },
                "--flow" => options with { Flow = Value() switch { "exam-day" => "exam-day", "stress" => "stress", _ => throw new ArgumentException("--flow takes exam-day or stress.") } },
                "--arrive-minutes" => options with { ArriveMinutes = Number(0) },
                "--admit-every" => options with { AdmitEverySeconds = Number(0.5) },
                "--start-by" => options with { StartBy = Value() switch { "room" => "room", "candidates" => "candidates", _ => throw new ArgumentException("--start-by takes room or candidates.") } },
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

    private static List<Uri> Nodes(string value)
    {
        var nodes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new ArgumentException($"--url takes http(s) addresses separated by commas; '{url}' is not one."))
            .ToList();
        return nodes.Count > 0 ? nodes : throw new ArgumentException("--url needs at least one address.");
    }
}
