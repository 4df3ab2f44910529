using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Infrastructure.Store;
using Bogus;
using Marten;

namespace AssessmentEngine.Web.Features.Demo;

/// <summary>
/// The demo centre a new user signs in to (Seed:Demo=true, which ./ae up sets): an exam officer, a tutor, two
/// invigilators, two assessors, a verifier and 30 candidates, some with adjustments. Seeded once; a second start
/// keeps what is there. Its sign-ins are written to Seed:SignInsFile for ./ae up to print.
/// </summary>
public sealed class DemoData(
    IDocumentStore store, SchemaState schema, IConfiguration configuration, TimeProvider time, ItemBankLocation bank, IServiceScopeFactory scopes,
    ILogger<DemoData> logger)
    : BackgroundService
{
    public const string CentreNumber = "900001";
    public const string StaffPassword = "assessment-demo";
    public const string CandidatePassword = "candidate-demo";
    public const string EmailDomain = "demo-college.example";

    public static readonly IReadOnlyList<(string Email, string Name, Role Role)> StaffMembers =
    [
        ($"officer@{EmailDomain}", "Morag Fraser", Role.Admin),
        ($"tutor@{EmailDomain}", "Gareth Evans", Role.Tutor),
        ($"invigilator1@{EmailDomain}", "Priya Shah", Role.Invigilator),
        ($"invigilator2@{EmailDomain}", "Tom Reilly", Role.Invigilator),
        ($"assessor1@{EmailDomain}", "Aileen MacLeod", Role.Assessor),
        ($"assessor2@{EmailDomain}", "Daniel Okafor", Role.Assessor),
        ($"verifier@{EmailDomain}", "Hannah Price", Role.Verifier),
    ];

    /// <summary>The awarding bodies whose units the repository's item bank holds.</summary>
    public static readonly IReadOnlyList<string> AwardingBodies = ["SQA", "City & Guilds", "OCR"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue<bool>("Seed:Demo"))
        {
            return;
        }

        while (!schema.Applied)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }

        try
        {
            var seeded = await SeedAsync(store, time, stoppingToken);
            logger.LogInformation("Demo data {Outcome}", seeded ? "seeded" : "already present");
            await ImportBankAsync(stoppingToken);
            using (var scope = scopes.CreateScope())
            {
                _sitting = await TodaysSittingAsync(scope.ServiceProvider, time, stoppingToken);
            }

            await WriteSignInsAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Seeding the demo data failed");
        }
    }

    private Sitting? _sitting;

    /// <summary>
    /// A sitting of the FE6V 35 test starting now (unless one already starts today), with every demo candidate enrolled,
    /// their six-week window agreed from today, and booked: a new user can sit a test a minute after the engine starts.
    /// </summary>
    public static async Task<Sitting?> TodaysSittingAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        const string unitCode = "FE6V 35";
        var store = services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var centre = await session.Query<Centre>().FirstOrDefaultAsync(c => c.Number == CentreNumber, cancellationToken);
        if (centre is null || await session.LoadAsync<BankUnit>(unitCode, cancellationToken) is null)
        {
            return null;
        }

        var acting = new Acting(StaffMembers[0].Email, "demo seed");
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime);
        var fromToday = WindowCalendar.StartOfDay(today, centre.Zone);
        var existing = await session.Query<Sitting>()
            .Where(s => s.CentreId == centre.Id && s.UnitCode == unitCode && s.StartsAt >= fromToday && s.StartsAt < fromToday.AddDays(1))
            .OrderBy(s => s.StartsAt).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        await OfferAsync(store, [unitCode], cancellationToken);
        var candidates = await session.Query<Candidate>().Where(c => c.CentreId == centre.Id).ToListAsync(cancellationToken);
        await services.GetRequiredService<EnrolCandidates>().HandleAsync(centre.Id, unitCode, candidates.Select(c => c.Id).ToList(), acting, cancellationToken);
        var agreeing = services.GetRequiredService<AgreeWindow>();
        var assessor = StaffMembers.First(s => s.Role == Role.Assessor).Name;
        foreach (var enrolment in await session.Query<Enrolment>().Where(e => e.CentreId == centre.Id && e.UnitCode == unitCode).ToListAsync(cancellationToken))
        {
            if (enrolment.Window is null || enrolment.Closed || enrolment.Window.Closes < now)
            {
                await agreeing.HandleAsync(centre.Id, enrolment.Id, today, $"{assessor} (assessor) and the candidate", acting, cancellationToken);
            }
        }

        var invigilatorNames = StaffMembers.Where(s => s.Role == Role.Invigilator).Select(s => SignInNames.ForStaff(s.Email)).ToArray();
        var invigilators = await session.Query<UserAccount>().Where(a => a.SignInName.IsOneOf(invigilatorNames)).ToListAsync(cancellationToken);
        var startsAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset);
        var sitting = await services.GetRequiredService<ScheduleSitting>().HandleAsync(centre.Id, unitCode, "Room 1", startsAt, 60,
            invigilators.Where(a => a.Holds(Role.Invigilator, centre.Id)).Select(a => a.Id).ToList(), acting, cancellationToken);
        await services.GetRequiredService<BookCandidates>().HandleAsync(centre.Id, sitting.Id, candidates.Select(c => c.Id).ToList(), acting, cancellationToken);
        return sitting;
    }

    /// <summary>Seeds the demo centre unless it exists; returns whether it did.</summary>
    public static async Task<bool> SeedAsync(IDocumentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<Centre>().AnyAsync(c => c.Number == CentreNumber, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var centre = new Centre(Guid.CreateVersion7(), "Demo College", CentreNumber, Centre.DefaultTimeZone);
        session.Insert(centre);
        foreach (var (email, name, role) in StaffMembers)
        {
            // The demo tutor also writes the awarding bodies' banks of the repository, so the demo shows keys and guidance.
            var account = new UserAccount(Guid.CreateVersion7(), SignInNames.ForStaff(email), name, null, [new Membership(centre.Id, [role])],
                AuthorFor: role == Role.Tutor ? AwardingBodies.Select(BankOwners.ForAwardingBody).ToList() : null);
            session.Insert(account with { PasswordHash = Secrets.HashPassword(account, StaffPassword) });
        }

        foreach (var candidate in Candidates(centre, now))
        {
            var account = new UserAccount(candidate.UserId, SignInNames.ForCandidate(centre.Number, candidate.CandidateNumber), candidate.Name, null,
                [new Membership(centre.Id, [Role.Candidate])]);
            session.Insert(account with { PasswordHash = Secrets.HashPassword(account, CandidatePassword) });
            session.Insert(candidate);
        }

        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Thirty candidates with British names from a fixed seed, every fifth with 25 % extra time and a few with other needs.</summary>
    public static IReadOnlyList<Candidate> Candidates(Centre centre, DateTimeOffset now)
    {
        var faker = new Faker("en_GB") { Random = new Randomizer(2026) };
        var list = new List<Candidate>();
        for (var n = 1; n <= 30; n++)
        {
            var adjustments = n switch
            {
                _ when n % 5 == 0 => new Adjustments(ExtraTimePercent: 25, RestBreaks: n == 10),
                3 => new Adjustments(LargeText: true),
                7 => new Adjustments(HighContrast: true, ExtraTimePercent: 10),
                _ => Adjustments.None,
            };
            if (adjustments.Any)
            {
                adjustments = adjustments with { ApprovedBy = StaffMembers[0].Email, ApprovedAt = now };
            }

            var birth = DateOnly.FromDateTime(faker.Date.Between(new DateTime(1975, 1, 1), new DateTime(2007, 12, 31)));
            list.Add(new Candidate(Guid.CreateVersion7(), centre.Id, $"DC{n:0000}", faker.Name.FirstName(), faker.Name.LastName(), birth,
                adjustments, Guid.CreateVersion7()));
        }

        return list;
    }

    /// <summary>The repository's item banks, imported as a tutor would (unchanged files write nothing on a second start).</summary>
    private async Task ImportBankAsync(CancellationToken cancellationToken)
    {
        if (bank.Path is null)
        {
            logger.LogWarning("No item bank folder found (set {Key}); the demo has no items", ItemBankLocation.ConfigurationKey);
            return;
        }

        var load = ItemBankLoader.Load([bank.Path], bank.Path);
        if (load.HasErrors)
        {
            logger.LogWarning("The item bank in {Path} has lint errors; not imported (./ae itembank lint)", bank.Path);
            return;
        }

        var counts = await ImportItemBank.RunAsync(store, load, retireMissing: true, ImportRights.Platform, _ => "demo seed", "demo seed", time, cancellationToken);
        logger.LogInformation("Item bank imported: {Counts}", counts.ToString());

        await OfferAsync(store, load.Units.Select(u => u.Code).ToList(), cancellationToken);
    }

    /// <summary>Offers the demo college these units (the demo seed acts for the platform operator).</summary>
    public static async Task OfferAsync(IDocumentStore store, IReadOnlyCollection<string> unitCodes, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<Centre>().FirstOrDefaultAsync(c => c.Number == CentreNumber, cancellationToken) is { } centre
            && !unitCodes.All((centre.OfferedUnits ?? []).Contains))
        {
            session.Store(centre with { OfferedUnits = unitCodes.Union(centre.OfferedUnits ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() });
            await session.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task WriteSignInsAsync(CancellationToken cancellationToken)
    {
        var file = configuration["Seed:SignInsFile"];
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        var lines = new List<string>
        {
            $"Demo sign-ins (centre Demo College, number {CentreNumber}); staff password: {StaffPassword}",
        };
        lines.AddRange(StaffMembers.Select(s => $"  {s.Role.Title(),-18} {s.Email}"));
        lines.Add($"  {"Candidates",-18} centre {CentreNumber}, candidate numbers DC0001 to DC0030, password: {CandidatePassword}");
        lines.Add("                     (DC0005, DC0010, … have 25 % extra time; DC0003 large text; DC0007 high contrast)");
        if (_sitting is { } sitting)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(Centre.DefaultTimeZone);
            lines.Add("");
            lines.Add($"Sit a test now: the FE6V 35 sitting at {CentreTime.Show(sitting.StartsAt, zone)} in {sitting.Room}, access code {sitting.AccessCode}");
            lines.Add($"  1. sign in as candidate DC0001 (centre {CentreNumber}, password {CandidatePassword}), choose Check in, type {sitting.AccessCode}");
            lines.Add($"  2. in a second browser window (a private one), sign in as {StaffMembers.First(s => s.Role == Role.Invigilator).Email} (password {StaffPassword})");
            lines.Add($"     and open /invigilate/sittings/{sitting.Id}: the live dashboard; tick Identity checked and Admit DC0001");
            lines.Add("  3. back as the candidate: read the instructions, press Start, answer; watch the dashboard follow, pause, message, end");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        await File.WriteAllLinesAsync(file, lines, cancellationToken);
    }
}
