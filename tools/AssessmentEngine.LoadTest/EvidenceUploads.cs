using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AssessmentEngine.LoadTest;

/// <summary>The centre, brief and sign-ins `./ae loadtest setup-evidence` writes.</summary>
public sealed record EvidenceSetup(string CentreNumber, string UnitCode, string BriefId, string CandidatePassword, IReadOnlyList<EvidenceCandidate> Candidates);

/// <summary>A candidate and the enrolment whose brief they upload to.</summary>
public sealed record EvidenceCandidate(Guid CandidateId, string CandidateNumber, Guid EnrolmentId);

/// <summary>An evidence run's figures: printed as a table, written as JSON.</summary>
public sealed record EvidenceResults(
    string Scenario, DateTimeOffset StartedAt, LoadOptions Options, MachineInfo Machine, int Candidates, long FileBytes,
    int Uploaded, int Verified, int Failures, double UploadSeconds, double DownloadSeconds, double UploadMbPerSecond, double DownloadMbPerSecond,
    Percentiles Upload, Percentiles LastPiece, Percentiles Download, double IdleRssMb, double PeakRssMb, double PeakOverIdleMb, double SettledRssMb,
    IReadOnlyList<WorkingSetPhase> WorkingSet, IReadOnlyList<PhaseUsage> Usage, IReadOnlyList<string> Errors, IReadOnlyList<WorkingSetSample> Trace)
{
    public bool Failed => Failures > 0;

    public string Table()
    {
        var text = new StringBuilder();
        void Line(string name, object value) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {value,14}");
        void Row(string name, Percentiles p) => text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {p.Count,8} {p.P50 / 1000,9:0.00} {p.Max / 1000,9:0.00}");

        text.AppendLine(CultureInfo.InvariantCulture,
            $"\n  scenario {Scenario}: {string.Join(",", Options.Urls)}, {Candidates} candidate(s) at once, {FileBytes / (1024.0 * 1024):0} MB {Options.FileKind} each in {Options.PieceMb} MB pieces");
        Line("uploaded / verified / failures", $"{Uploaded} / {Verified} / {Failures}");
        Line("uploads: wall time (s)", UploadSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("uploads: throughput (MB/s)", UploadMbPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        Line("downloads: wall time (s)", DownloadSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        Line("downloads: throughput (MB/s)", DownloadMbPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        Line("engine RSS idle (MB)", IdleRssMb.ToString("0", CultureInfo.InvariantCulture));
        Line("engine RSS peak (MB)", PeakRssMb.ToString("0", CultureInfo.InvariantCulture));
        Line("engine RSS peak - idle (MB)", PeakOverIdleMb.ToString("0", CultureInfo.InvariantCulture));
        Line("engine RSS settled after (MB)", SettledRssMb.ToString("0", CultureInfo.InvariantCulture));
        Line("load average start / end", $"{Machine.LoadAverageAtStart} / {Machine.LoadAverageAtEnd}");
        text.AppendLine(CultureInfo.InvariantCulture, $"\n  {"per file",-34} {"count",8} {"p50 s",9} {"max s",9}");
        Row("upload (create to last piece)", Upload);
        Row("last piece (stores, inspects)", LastPiece);
        Row("download and hash", Download);
        text.AppendLine(CultureInfo.InvariantCulture, $"\n  {"engine RSS by phase (MB)",-34} {"samples",8} {"median",9} {"peak",9}");
        foreach (var phase in WorkingSet)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {phase.Phase,-34} {phase.Samples,8} {phase.MedianMb,9:0} {phase.PeakMb,9:0}");
        }

        if (Errors.Count > 0)
        {
            text.AppendLine("\n  first errors:");
            foreach (var error in Errors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {error}");
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// Evidence uploads: every candidate signs in and opens the brief's page (for the upload token the page gives its
/// script), then all upload one generated file at the same moment, as the page's tus client does (create, then PATCH
/// pieces in order); once every upload has finished, all download their file at once and check its SHA-256 against what
/// was sent. The engine's resident set is read every 250 ms: 5 s idle before anyone signs in, through the uploads and
/// downloads, and 10 s after.
/// </summary>
public static class EvidenceUploads
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    public static async Task<EvidenceResults> RunAsync(LoadOptions options, EvidenceSetup setup, TextWriter log, CancellationToken cancellationToken)
    {
        if (setup.Candidates.Count < options.Concurrent)
        {
            throw new ArgumentException($"{options.Setup} has {setup.Candidates.Count} candidates; run ./ae loadtest setup-evidence --candidates {options.Concurrent} --out {options.Setup}.");
        }

        var fileBytes = (long)options.FileMb << 20;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var (upload, lastPiece, download) = (new Latency(), new Latency(), new Latency());
        var loadAtStart = LoadAverage();
        var startedAt = DateTimeOffset.UtcNow;
        await using var memory = new WorkingSetSampler();
        await using var usage = new ProcessSampler();
        usage.Phase("idle");
        await log.WriteLineAsync($"engine idle for {Idle.TotalSeconds:0} s; load {loadAtStart}");
        await Task.Delay(Idle, cancellationToken);

        memory.Phase("signing in");
        usage.Phase("signing in");
        var uploaders = setup.Candidates.Take(options.Concurrent).Select((c, index) => new Uploader(options, setup, c, options.Node(index))).ToList();
        try
        {
            await Parallel.ForEachAsync(uploaders, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (uploader, token) => await uploader.SignInAsync(token));
            await log.WriteLineAsync($"{uploaders.Count} candidates signed in; uploading {options.FileMb} MB each at once");

            memory.Phase("uploading");
            usage.Phase("uploading");
            var uploadsStarted = Stopwatch.GetTimestamp();
            await Task.WhenAll(uploaders.Select(u => Task.Run(() => u.UploadAsync(fileBytes, upload, lastPiece, errors, cancellationToken), cancellationToken)));
            var uploadSeconds = Stopwatch.GetElapsedTime(uploadsStarted).TotalSeconds;
            var uploaded = uploaders.Count(u => u.FileId is not null);
            await log.WriteLineAsync($"{uploaded} uploaded in {uploadSeconds:0.0} s; downloading; load {LoadAverage()}");

            memory.Phase("downloading");
            usage.Phase("downloading");
            var downloadsStarted = Stopwatch.GetTimestamp();
            await Task.WhenAll(uploaders.Where(u => u.FileId is not null).Select(u => Task.Run(() => u.DownloadAsync(download, errors, cancellationToken), cancellationToken)));
            var downloadSeconds = Stopwatch.GetElapsedTime(downloadsStarted).TotalSeconds;
            var verified = uploaders.Count(u => u.Verified);

            memory.Phase("after");
            usage.Phase("after");
            await log.WriteLineAsync($"{verified} downloaded and verified in {downloadSeconds:0.0} s; the engine settles for {Settle.TotalSeconds:0} s");
            await Task.Delay(Settle, cancellationToken);

            var phases = memory.Summary();
            var idle = phases.Single(p => p.Phase == "idle").MedianMb;
            var peak = phases.Max(p => p.PeakMb);
            var megabytes = (double)uploaded * fileBytes / (1 << 20);
            return new EvidenceResults("evidence", startedAt, options,
                new MachineInfo(Environment.ProcessorCount, Environment.OSVersion.ToString(), Environment.Version.ToString(), loadAtStart, LoadAverage()),
                uploaders.Count, fileBytes, uploaded, verified, uploaders.Count - verified, Math.Round(uploadSeconds, 2), Math.Round(downloadSeconds, 2),
                Math.Round(megabytes / uploadSeconds, 1), Math.Round(verified * (double)fileBytes / (1 << 20) / Math.Max(downloadSeconds, 0.001), 1),
                upload.Summary(), lastPiece.Summary(), download.Summary(), idle, peak, Math.Round(peak - idle, 1),
                memory.Samples[^1].Mb, phases, usage.Summary(), errors.Take(10).ToList(), memory.Samples);
        }
        finally
        {
            uploaders.ForEach(u => u.Dispose());
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";

    /// <summary>One candidate's browser on the brief's page, uploading one file and downloading it back.</summary>
    private sealed class Uploader(LoadOptions options, EvidenceSetup setup, EvidenceCandidate candidate, Uri node) : IDisposable
    {
        private const string Uploads = "/api/evidence/uploads";
        private readonly EngineClient _client = new(node);
        private readonly string _page = $"/candidate/evidence/{candidate.EnrolmentId}/{setup.BriefId}";
        private string _token = "";
        private string? _sha;

        public string? FileId { get; private set; }

        public bool Verified { get; private set; }

        public async Task SignInAsync(CancellationToken cancellationToken)
        {
            // The last piece waits while the engine inspects the whole file; a browser waits too.
            _client.Http.Timeout = TimeSpan.FromMinutes(10);
            await _client.SignInAsCandidateAsync(setup.CentreNumber, candidate.CandidateNumber, setup.CandidatePassword, cancellationToken);
            _token = await _client.ScriptTokenAsync(_page, cancellationToken);
        }

        public async Task UploadAsync(long length, Latency upload, Latency lastPiece, System.Collections.Concurrent.ConcurrentQueue<string> errors, CancellationToken cancellationToken)
        {
            var (header, name) = options.FileKind == "mp4" ? (GeneratedFile.Mp4, "recording.mp4") : (GeneratedFile.Pdf, "report.pdf");
            using var file = new GeneratedFile(length, header);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var create = Request(HttpMethod.Post, Uploads);
                create.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
                create.Headers.Add("Upload-Metadata", $"filename {Base64(name)},enrolment {Base64(candidate.EnrolmentId.ToString())},brief {Base64(setup.BriefId)}");
                using var created = await _client.Http.SendAsync(create, cancellationToken);
                await ExpectAsync(created, HttpStatusCode.Created, "create", cancellationToken);
                var location = created.Headers.Location?.ToString() ?? throw new LoadException("create answered no Location");
                var piece = (long)options.PieceMb << 20;
                for (long offset = 0; offset < length; offset += piece)
                {
                    var last = offset + piece >= length;
                    var sent = Stopwatch.GetTimestamp();
                    using var patch = Request(HttpMethod.Patch, location);
                    patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                    patch.Content = file.Piece(Math.Min(piece, length - offset));
                    patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
                    using var patched = await _client.Http.SendAsync(patch, cancellationToken);
                    await ExpectAsync(patched, HttpStatusCode.NoContent, $"PATCH at {offset:N0}", cancellationToken);
                    if (last)
                    {
                        lastPiece.Add(sent);
                    }
                }

                upload.Add(started);
                _sha = file.Sha256();
                FileId = location[(location.LastIndexOf('/') + 1)..];
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or LoadException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors.Enqueue($"{candidate.CandidateNumber} upload: {exception.GetType().Name}: {exception.Message}");
            }
        }

        public async Task DownloadAsync(Latency download, System.Collections.Concurrent.ConcurrentQueue<string> errors, CancellationToken cancellationToken)
        {
            try
            {
                // The page lists the file with its link once the upload is in the draft, as the candidate sees it.
                var link = Regex.Match(await _client.GetPageAsync(_page, cancellationToken), $"/evidence/submissions/[0-9a-f-]{{36}}/files/{Regex.Escape(FileId!)}");
                if (!link.Success)
                {
                    throw new LoadException($"the brief's page does not list file {FileId}");
                }

                var started = Stopwatch.GetTimestamp();
                using var response = await _client.Http.GetAsync(new Uri(link.Value, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                await ExpectAsync(response, HttpStatusCode.OK, "download", cancellationToken);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(body, cancellationToken));
                download.Add(started);
                Verified = sha == _sha;
                if (!Verified)
                {
                    throw new LoadException($"the download's SHA-256 {sha} is not the upload's {_sha}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or LoadException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors.Enqueue($"{candidate.CandidateNumber} download: {exception.GetType().Name}: {exception.Message}");
            }
        }

        private HttpRequestMessage Request(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, new Uri(path, UriKind.RelativeOrAbsolute));
            request.Headers.Add("Tus-Resumable", "1.0.0");
            request.Headers.Add("RequestVerificationToken", _token);
            return request;
        }

        private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status, string what, CancellationToken cancellationToken)
        {
            if (response.StatusCode != status)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new LoadException($"{what} answered {(int)response.StatusCode} (expected {(int)status}): {body[..Math.Min(body.Length, 300)].ReplaceLineEndings(" ")}");
            }
        }

        private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

        public void Dispose() => _client.Dispose();
    }
}
