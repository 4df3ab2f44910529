using System.Globalization;
using System.Text.Json;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Identity.SigningIn;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure;
using AssessmentEngine.Web.Infrastructure.Jobs;
using AssessmentEngine.Web.Infrastructure.Store;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssessmentEngine.Cli;

/// <summary>The sign-ins and sitting a load run plays; tools/AssessmentEngine.LoadTest reads this JSON.</summary>
public sealed record LoadTestSitting(
    Guid SittingId, string AccessCode, string UnitCode, string CentreNumber, string CandidatePassword, string InvigilatorEmail, string StaffPassword,
    IReadOnlyList<string> InvigilatorEmails, IReadOnlyList<LoadTestCandidate> Candidates);

/// <summary>A candidate, with the one-time sign-in code their centre printed for them (exam day's way in).</summary>
public sealed record LoadTestCandidate(Guid CandidateId, string CandidateNumber, string SignInCode);

/// <summary>The sign-ins and brief an evidence load run uploads to; tools/AssessmentEngine.LoadTest reads this JSON (--scenario evidence).</summary>
public sealed record LoadTestEvidence(
    string CentreNumber, string UnitCode, string BriefId, string CandidatePassword, IReadOnlyList<LoadTestEvidenceCandidate> Candidates);

/// <summary>A candidate and the enrolment whose brief they upload to.</summary>
public sealed record LoadTestEvidenceCandidate(Guid CandidateId, string CandidateNumber, Guid EnrolmentId);

/// <summary>
/// ./ae loadtest setup --candidates N: a centre of its own for one load run (a new one every time, so every run starts
/// from candidates who have sat nothing), with N candidates enrolled on FE6V 35, windows agreed from today, one
/// invigilator per 100 candidates (--invigilators overrides) and a sitting starting now with everyone booked. Every
/// candidate gets a password and a one-time sign-in code, as a centre prints them. Written through the engine's own
/// services, as an exam officer would through the admin pages.
/// ./ae loadtest setup-evidence --candidates N: likewise a new centre, its N candidates enrolled on 305/695 with windows
/// agreed from today, for the evidence uploads' run (each uploads to the brief cg-305-695-portfolio-report).
/// </summary>
public static class LoadTestCommands
{
    public const string UnitCode = "FE6V 35";
    public const string CandidatePassword = "load-candidate";
    public const string StaffPassword = "load-invigilator";
    public const string EvidenceUnitCode = "305/695";
    public const string EvidenceBriefId = "cg-305-695-portfolio-report";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) => args switch
    {
        ["setup", .. var rest] => SetupAsync(rest, output, error, cancellationToken),
        ["setup-evidence", .. var rest] => SetupEvidenceAsync(rest, output, error, cancellationToken),
        [var other, ..] => throw new UsageException($"unknown loadtest command '{other}'; it takes setup or setup-evidence."),
        [] => throw new UsageException("loadtest takes setup or setup-evidence: ./ae loadtest setup --candidates 500 [--out load.json]"),
    };

    private static async Task<int> SetupAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (numbers, file) = Options(args, "setup", new() { ["--candidates"] = (1, 10_000), ["--invigilators"] = (1, 200), ["--sitting-minutes"] = (10, 600) });
        var candidates = numbers.GetValueOrDefault("--candidates", 500);
        var minutes = numbers.GetValueOrDefault("--sitting-minutes", 120);
        var invigilators = numbers.GetValueOrDefault("--invigilators", 0);

        await using var provider = Services();
        var store = provider.GetRequiredService<IDocumentStore>();
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<BankUnit>(UnitCode, cancellationToken) is null)
            {
                await error.WriteLineAsync($"ae: there is no unit {UnitCode} in the database; start the engine once (./ae up imports the bank) or run ./ae itembank import.");
                return CommandLine.Failed;
            }
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var time = TimeProvider.System;
        if (invigilators == 0)
        {
            invigilators = (candidates + 99) / 100;
        }

        var (centre, staff, people, codes) = await PeopleAsync(store, UnitCode, candidates, invigilators, time.GetUtcNow(), cancellationToken);
        var ids = people.Select(p => p.Id).ToList();
        await EnrolAsync(provider, centre, UnitCode, ids, cancellationToken);

        Sitting sitting;
        using (var scope = provider.CreateScope())
        {
            var now = time.GetUtcNow();
            var startsAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset);
            sitting = await scope.ServiceProvider.GetRequiredService<ScheduleSitting>()
                .HandleAsync(centre.Id, UnitCode, "Load test hall", startsAt, minutes, staff.Select(s => s.Id).ToList(), Acting, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<BookCandidates>().HandleAsync(centre.Id, sitting.Id, ids, Acting, cancellationToken);
        }

        var result = new LoadTestSitting(sitting.Id, sitting.AccessCode!, UnitCode, centre.Number, CandidatePassword, staff[0].SignInName, StaffPassword,
            staff.Select(s => s.SignInName).ToList(), people.Select((p, n) => new LoadTestCandidate(p.Id, p.CandidateNumber, codes[n])).ToList());
        await WriteAsync(result, file, output, cancellationToken);
        await error.WriteLineAsync(
            $"ae: centre {centre.Number}: {people.Count} candidates and {staff.Count} invigilators on sitting {sitting.Id} (access code {sitting.AccessCode}) in {started.Elapsed.TotalSeconds:0.0} s"
            + (file is null ? "" : $"; written to {file}"));
        return CommandLine.Ok;
    }

    private static async Task<int> SetupEvidenceAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (numbers, file) = Options(args, "setup-evidence", new() { ["--candidates"] = (1, 10_000) });
        var candidates = numbers.GetValueOrDefault("--candidates", 50);

        await using var provider = Services();
        var store = provider.GetRequiredService<IDocumentStore>();
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<BankUnit>(EvidenceUnitCode, cancellationToken) is null)
            {
                // ./ae up's demo data imports the whole bank; a database it never ran on gets the unit as ./ae itembank import would.
                var bank = ItemBankLoader.Load([Path.Combine("itembank", "cg-305-695")], ".");
                if (bank.HasErrors)
                {
                    await error.WriteLineAsync($"ae: there is no unit {EvidenceUnitCode} in the database and itembank/cg-305-695 does not load; run ./ae itembank import from the repository.");
                    return CommandLine.Failed;
                }

                await ImportItemBank.RunAsync(store, bank, retireMissing: false, ImportRights.Platform, _ => Acting.Actor, Acting.Actor, TimeProvider.System, cancellationToken);
            }
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (centre, _, people, _) = await PeopleAsync(store, EvidenceUnitCode, candidates, 0, TimeProvider.System.GetUtcNow(), cancellationToken);
        var enrolments = await EnrolAsync(provider, centre, EvidenceUnitCode, people.Select(p => p.Id).ToList(), cancellationToken);
        var result = new LoadTestEvidence(centre.Number, EvidenceUnitCode, EvidenceBriefId, CandidatePassword,
            people.Select(p => new LoadTestEvidenceCandidate(p.Id, p.CandidateNumber, enrolments[p.Id])).ToList());
        await WriteAsync(result, file, output, cancellationToken);
        await error.WriteLineAsync($"ae: centre {centre.Number}: {people.Count} candidates enrolled on {EvidenceUnitCode} in {started.Elapsed.TotalSeconds:0.0} s"
                                   + (file is null ? "" : $"; written to {file}"));
        return CommandLine.Ok;
    }

    private static readonly Acting Acting = new($"loadtest@{Environment.MachineName}", "127.0.0.1");

    private static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System);
        var roles = new NodeRoles(Web: false, Worker: false);
        services.AddStore(configuration, roles);
        // Enqueue only: agreeing a window schedules its close, which the engine's worker runs.
        services.AddJobs(roles);
        services.AddScoped<EnrolmentWrites>();
        services.AddScoped<EnrolCandidates>();
        services.AddScoped<AgreeWindow>();
        services.AddScoped<ScheduleSitting>();
        services.AddScoped<BookCandidates>();
        return services.BuildServiceProvider();
    }

    /// <summary>Enrols the candidates on the unit with windows agreed from today in the centre's zone; each candidate's enrolment.</summary>
    private static async Task<IReadOnlyDictionary<Guid, Guid>> EnrolAsync(IServiceProvider provider, Centre centre, string unitCode, IReadOnlyCollection<Guid> candidateIds,
        CancellationToken cancellationToken)
    {
        using (var scope = provider.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<EnrolCandidates>().HandleAsync(centre.Id, unitCode, candidateIds, Acting, cancellationToken);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), centre.Zone).DateTime);
        Dictionary<Guid, Guid> enrolments;
        await using (var query = provider.GetRequiredService<IDocumentStore>().QuerySession())
        {
            enrolments = (await query.Query<Enrolment>().Where(e => e.CentreId == centre.Id && e.UnitCode == unitCode).ToListAsync(cancellationToken))
                .ToDictionary(e => e.CandidateId, e => e.Id);
        }

        await Parallel.ForEachAsync(enrolments.Values, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, token) =>
        {
            using var scope = provider.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AgreeWindow>().HandleAsync(centre.Id, id, today, "assessor and candidate (load test)", Acting, token);
        });
        return enrolments;
    }

    private static async Task WriteAsync<T>(T result, string? file, TextWriter output, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(result, Json);
        if (file is null)
        {
            await output.WriteLineAsync(json);
        }
        else
        {
            await File.WriteAllTextAsync(file, json, cancellationToken);
        }
    }

    /// <summary>A new centre (the first free number from 950001), its invigilators and candidates LT0001 onwards with their sign-in codes.</summary>
    private static async Task<(Centre Centre, IReadOnlyList<UserAccount> Invigilators, IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> Codes)> PeopleAsync(
        IDocumentStore store, string unitCode, int count, int invigilatorCount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var taken = (await session.Query<Centre>().Select(c => c.Number).ToListAsync(cancellationToken)).ToHashSet();
        var number = Enumerable.Range(950001, 49_999).Select(n => n.ToString(CultureInfo.InvariantCulture)).First(n => !taken.Contains(n));
        var centre = new Centre(Guid.CreateVersion7(), $"Load Test Centre {number}", number, Centre.DefaultTimeZone, OfferedUnits: [unitCode]);
        session.Insert(centre);

        // PBKDF2 with its own salt that does not involve the account (PasswordHasher ignores the user it is given), so one
        // hash serves every candidate and one every invigilator: thousands of hashes would take minutes for nothing.
        var invigilators = Enumerable.Range(1, invigilatorCount).Select(n => new UserAccount(Guid.CreateVersion7(),
            SignInNames.ForStaff($"invigilator{n}@load-{number}.example"), $"Load Test Invigilator {n}", null, [new Membership(centre.Id, [Role.Invigilator])])).ToList();
        var anyone = new UserAccount(Guid.Empty, "", "", null, []);
        var staffHash = Secrets.HashPassword(anyone, StaffPassword);
        invigilators = invigilators.Select(i => i with { PasswordHash = staffHash }).ToList();
        if (invigilators.Count > 0)
        {
            session.Insert(invigilators.ToArray());
        }

        var candidateHash = Secrets.HashPassword(anyone, CandidatePassword);
        var candidates = new List<Candidate>(count);
        var codes = new List<string>(count);
        for (var n = 1; n <= count; n++)
        {
            var candidateNumber = $"LT{n:0000}";
            var code = Secrets.NewOneTimeCode();
            var accountId = Guid.CreateVersion7();
            var account = new UserAccount(accountId, SignInNames.ForCandidate(number, candidateNumber), $"Candidate {candidateNumber}", candidateHash,
                [new Membership(centre.Id, [Role.Candidate])], OneTimeCodeHash: Secrets.HashCode(accountId, code),
                OneTimeCodeExpires: now + SignInService.CandidateCodeLifetime, OneTimeCodePurpose: OneTimeCodePurpose.CandidateSignIn);
            var candidate = new Candidate(Guid.CreateVersion7(), centre.Id, candidateNumber, "Load", candidateNumber, new DateOnly(2000, 1, 1), Adjustments.None, account.Id);
            session.Insert(account);
            session.Insert(candidate);
            candidates.Add(candidate);
            codes.Add(code);
        }

        await session.SaveChangesAsync(cancellationToken);
        return (centre, invigilators, candidates, codes);
    }

    /// <summary>--out FILE and the whole-number options <paramref name="numbers"/> names, each within its bounds.</summary>
    private static (Dictionary<string, int> Numbers, string? File) Options(string[] args, string command, Dictionary<string, (int Minimum, int Maximum)> numbers)
    {
        var given = new Dictionary<string, int>(StringComparer.Ordinal);
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--out")
            {
                file = ++i < args.Length ? args[i] : throw new UsageException("--out takes a file name.");
            }
            else if (numbers.TryGetValue(name, out var bounds))
            {
                given[name] = Number(args, ++i, name, bounds.Minimum, bounds.Maximum);
            }
            else
            {
                throw new UsageException($"unknown option '{name}'; {command} takes {string.Join(", ", numbers.Keys.Select(n => n + " N"))} and --out FILE.");
            }
        }

        return (given, file);
    }

    private static int Number(string[] args, int index, string option, int minimum, int maximum) =>
        index < args.Length && int.TryParse(args[index], out var value) && value >= minimum && value <= maximum
            ? value
            : throw new UsageException($"{option} takes a whole number from {minimum} to {maximum}.");
}
