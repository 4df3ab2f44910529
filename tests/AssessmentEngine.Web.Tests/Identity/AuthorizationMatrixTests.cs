using System.Net;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// Calls every endpoint the engine maps, with every method it answers, as an anonymous caller, as every role at
/// the centre that owns the data, and as every role at another centre — and checks each is allowed or refused as
/// the table says. An endpoint missing from the table fails the test: a new endpoint must say who may call it. The item
/// bank's pages are called for a real unit of an awarding body (offered to the owning centre, not to the other) and a
/// real unit of the owning centre's own bank, also as an author of the awarding body's bank who holds no centre role.
/// </summary>
public sealed class AuthorizationMatrixTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>Who may call an endpoint. AtCentre: the role at the centre in the route; AnyCentre: the role anywhere.</summary>
    /// <summary>
    /// <paramref name="OwnObject"/>: the path names a real object of the owning centre (a sitting, an attempt, an export) that
    /// only the callers named may reach; anyone else is refused, and "not found" counts as refused.
    /// <paramref name="EndsSession"/>: signing out. Its POST carries the token of the form the caller's page shows, as a browser
    /// sends it, and counts as allowed only when it succeeds (a redirect to /signout after which the caller is signed out): a
    /// 400 is a sign-out that did nothing. Called after every other row, since it ends each caller's session.
    /// </summary>
    private sealed record Rule(bool Anonymous, bool AnySignedIn, Role[] AtCentre, Role[] AnyCentre, bool OperatorOnly = false, bool BodyAuthor = false,
        bool OwnObject = false, bool EndsSession = false)
    {
        /// <summary>The platform operator's pages: above every centre, no centre role reaches them.</summary>
        public static readonly Rule Operators = new(false, false, [], [], OperatorOnly: true);

        public static readonly Rule Open = new(true, true, [], []);
        public static readonly Rule SignedIn = new(false, true, [], []);
        public static readonly Rule SignOut = Open with { EndsSession = true };

        public static Rule At(params Role[] roles) => new(false, false, roles, []);

        public static Rule Anywhere(params Role[] roles) => new(false, false, [], roles);

        /// <summary>The object's own people: its candidate, its sitting's invigilator, the assessors or verifiers of its centre.</summary>
        public static Rule Own(params Role[] roles) => new(false, false, roles, [], OwnObject: true);

        public bool Allows(Caller caller) => caller switch
        {
            { Operator: true } => AnySignedIn || OperatorOnly,
            { BodyAuthor: true } => AnySignedIn || BodyAuthor,
            { Role: null } => Anonymous,
            { Role: { } role } => AnySignedIn || AnyCentre.Contains(role) || (AtCentre.Contains(role) && caller.AtOwningCentre),
        };
    }

    /// <summary>
    /// Anonymous, a role at the owning or another centre, the platform operator (above centres, a member of none), or an
    /// author of the awarding body's bank (a member of no centre).
    /// </summary>
    private sealed record Caller(Role? Role, bool AtOwningCentre, bool Operator = false, bool BodyAuthor = false)
    {
        public override string ToString() => Operator ? "the platform operator" : BodyAuthor ? "the awarding body's author"
            : Role is null ? "anonymous" : $"{Role} at {(AtOwningCentre ? "the owning centre" : "another centre")}";
    }

    // Route templates as the endpoint data source reports them, with concrete paths to call for parameterised ones.
    private static readonly Dictionary<string, (Rule Rule, string[] Methods, Func<Ids, string[]> Paths)> Matrix = new()
    {
        ["health"] = (Rule.Open, ["GET"], _ => ["/health"]),
        ["signin"] = (Rule.Open, ["GET", "POST"], _ => ["/signin"]),
        ["signout"] = (Rule.SignOut, ["GET", "POST"], _ => ["/signout"]),
        ["denied"] = (Rule.Open, ["GET"], _ => ["/denied"]),
        ["reset-password"] = (Rule.Open, ["GET", "POST"], _ => ["/reset-password"]),
        // Each person's own invitations; accepting one that is not theirs is refused (CentreBoundaryTests).
        ["invitations"] = (Rule.SignedIn, ["GET", "POST"], _ => ["/invitations"]),
        ["operator"] = (Rule.Operators, ["GET", "POST"], _ => ["/operator"]),
        [""] = (Rule.SignedIn, ["GET"], _ => ["/"]),
        ["admin"] = (Rule.Anywhere(Role.Admin), ["GET"], _ => ["/admin"]),
        ["candidate"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate"]),
        // The bank's home is every author's (a tutor writes their centre's own bank); what it lists and imports is checked per
        // unit (BankOwnershipTests).
        ["tutor"] = (Rule.Anywhere(Role.Tutor) with { BodyAuthor = true }, ["GET", "POST"], _ => ["/tutor"]),
        ["centres/{centreId:guid}/candidates"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/candidates"]),
        ["centres/{centreId:guid}/candidates/{candidateId:guid}"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/candidates/{ids.Candidate}"]),
        ["centres/{centreId:guid}/sign-in-codes"] = (Rule.At(Role.Admin), ["POST"], ids => [$"/centres/{ids.Centre}/sign-in-codes"]),
        ["centres/{centreId:guid}/staff"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/staff"]),
        ["centres/{centreId:guid}/audit"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/audit"]),
        ["centres/{centreId:guid}/enrolments"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/enrolments"]),
        ["centres/{centreId:guid}/sittings"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/sittings"]),
        // Attempts, sittings and exports are real objects of the owning centre: its candidate's attempt, a sitting its
        // invigilator is on, an export its verifier asked for. Anyone else is refused or told "not found".
        ["centres/{centreId:guid}/sittings/{sittingId:guid}"] = (Rule.At(Role.Admin), ["GET", "POST"], ids => [$"/centres/{ids.Centre}/sittings/{ids.Sitting}"]),
        ["candidate/sittings/{sittingId:guid}"] = (Rule.Own(Role.Candidate), ["GET", "POST"], ids => [$"/candidate/sittings/{ids.Sitting}"]),
        ["candidate/attempts/{attemptId:guid}"] = (Rule.Own(Role.Candidate), ["GET", "POST"], ids => [$"/candidate/attempts/{ids.Attempt}"]),
        ["candidate/attempts/{attemptId:guid}/test"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/attempts/{ids.Attempt}/test"]),
        ["candidate/attempts/{attemptId:guid}/receipt"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/attempts/{ids.Attempt}/receipt"]),
        ["api/attempts/{attemptId:guid}/clock"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/api/attempts/{ids.Attempt}/clock"]),
        ["api/attempts/{attemptId:guid}/open"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/open"]),
        ["api/attempts/{attemptId:guid}/answers"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/answers"]),
        ["invigilate/sittings/{sittingId:guid}"] = (Rule.Own(Role.Invigilator), ["GET", "POST"], ids => [$"/invigilate/sittings/{ids.Sitting}"]),
        ["invigilate/sittings/{sittingId:guid}/log"] = (Rule.Own(Role.Invigilator), ["GET"], ids => [$"/invigilate/sittings/{ids.Sitting}/log"]),
        ["api/sittings/{sittingId:guid}/candidates/{candidateId:guid}/refuse"] =
            (Rule.Own(Role.Invigilator), ["POST"], ids => [$"/api/sittings/{ids.Sitting}/candidates/{ids.Candidate}/refuse"]),
        ["api/sittings/{sittingId:guid}/candidates/{candidateId:guid}/admit"] =
            (Rule.Own(Role.Invigilator), ["POST"], ids => [$"/api/sittings/{ids.Sitting}/candidates/{ids.Candidate}/admit"]),
        // Submitting is last of the attempt's calls: after it, the attempt is the assessors' (the rows below).
        ["api/attempts/{attemptId:guid}/submit"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/submit"]),
        // Moderation exports: the centre's verifiers.
        ["verify/centres/{centreId:guid}/exports"] = (Rule.At(Role.Verifier), ["GET", "POST"], ids => [$"/verify/centres/{ids.Centre}/exports"]),
        ["verify/centres/{centreId:guid}/exports/{exportId:guid}"] = (Rule.Own(Role.Verifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}/exports/{ids.Export}"]),
        ["assess/centres/{centreId:guid}"] = (Rule.At(Role.Assessor), ["GET"], ids => [$"/assess/centres/{ids.Centre}"]),
        ["verify/centres/{centreId:guid}"] = (Rule.At(Role.Verifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}"]),
        // Hubs: the role lets a connection open; each method then checks the sitting or attempt (LiveInvigilationTests).
        ["hubs/invigilation"] = (Rule.Anywhere(Role.Invigilator), ["GET"], _ => ["/hubs/invigilation"]),
        ["hubs/invigilation/negotiate"] = (Rule.Anywhere(Role.Invigilator), ["POST"], _ => ["/hubs/invigilation/negotiate?negotiateVersion=1"]),
        ["hubs/candidate"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/hubs/candidate"]),
        ["hubs/candidate/negotiate"] = (Rule.Anywhere(Role.Candidate), ["POST"], _ => ["/hubs/candidate/negotiate?negotiateVersion=1"]),
    };

    // Paths whose rule depends on the concrete value of a route parameter or query.
    private Dictionary<string, (Rule Rule, string Path, string[] Methods)[]> Expanded => new()
    {
        // The submitted attempt: assessed by the assessors of its centre, verified by its verifiers.
        ["{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}"] =
        // Any member of staff reaches the page; the attempt must be at a centre where they hold the area's role (a POST
        // without a valid form is turned away before the attempt is looked up: MarkingTests try real ones).
        [
            (Rule.Own(Role.Assessor), $"/assess/attempts/{_ids.Attempt}", ["GET"]),
            (Rule.Own(Role.Verifier), $"/verify/attempts/{_ids.Attempt}", ["GET"]),
            (Rule.Anywhere(Role.Admin, Role.Tutor, Role.Invigilator, Role.Assessor, Role.Verifier), $"/assess/attempts/{_ids.Attempt}", ["POST"]),
            (Rule.Anywhere(Role.Admin, Role.Tutor, Role.Invigilator, Role.Assessor, Role.Verifier), $"/verify/attempts/{_ids.Attempt}", ["POST"]),
        ],
        // Keys and guidance: the awarding body's unit is read by its authors and by the assessors and verifiers of the centre
        // it is offered to; the owning centre's own unit by that centre's tutors, assessors and verifiers. Nobody else.
        ["tutor/unit"] =
        [
            (Rule.At(Role.Assessor, Role.Verifier) with { BodyAuthor = true }, $"/tutor/unit?code={Uri.EscapeDataString(_ids.BodyUnit)}", ["GET"]),
            (Rule.At(Role.Tutor, Role.Assessor, Role.Verifier), $"/tutor/unit?code={Uri.EscapeDataString(_ids.CentreUnit)}", ["GET"]),
        ],
        ["tutor/item"] =
        [
            (Rule.At(Role.Assessor, Role.Verifier) with { BodyAuthor = true }, $"/tutor/item?id={_ids.BodyItem}", ["GET"]),
            (Rule.At(Role.Tutor, Role.Assessor, Role.Verifier), $"/tutor/item?id={_ids.CentreItem}", ["GET"]),
        ],
        ["{area:regex(^(invigilate|assess|verify)$)}"] =
        [
            (Rule.Anywhere(Role.Invigilator), "/invigilate", ["GET"]),
            (Rule.Anywhere(Role.Assessor), "/assess", ["GET"]),
            (Rule.Anywhere(Role.Verifier), "/verify", ["GET"]),
        ],
    };

    private sealed record Ids(Guid Centre, Guid Candidate, Guid Sitting, Guid Attempt, Guid Export, string BodyUnit, string BodyItem, string CentreUnit, string CentreItem);

    private EngineFactory _engine = null!;
    private readonly Dictionary<Caller, PageClient> _clients = [];
    private Ids _ids = new(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, "", "", "", "");

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        // Set up afresh for each test, in the class's one database: numbers must not repeat.
        var run = Random.Shared.Next(1000, 9999);
        // The owning centre: a sitting of FE6V 35 now, its invigilator, its candidate's attempt in progress, an export.
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates: 1, prefix: "OWN");
        var bodyUnit = $"MXB {run}";
        var owning = sitting.Centre with { OfferedUnits = [.. sitting.Centre.OfferedUnits ?? [], bodyUnit] };
        await using (var session = store.LightweightSession())
        {
            session.Store(owning);
            await session.SaveChangesAsync();
        }

        var other = await Centres.CentreAsync(store, $"1{run}2", "Other Centre", offers: []);
        var candidateHere = sitting.Candidates[0];
        var candidateThere = await Centres.CandidateAsync(store, other, "OTH0001");
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidateHere);
        Guid export;
        using (var scope = _engine.Services.CreateScope())
        {
            export = (await scope.ServiceProvider.GetRequiredService<MarksExports>().RequestAsync(owning.Id, null, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-7)), DateOnly.FromDateTime(DateTime.UtcNow), new Acting("verifier@example.org", "192.0.2.1"))).Id;
            await scope.ServiceProvider.GetRequiredService<ExportMarksJob>().RunAsync(export, CancellationToken.None); // the workbook, as a worker makes it
        }

        // A unit of the awarding body (SQA), imported by the platform; and a unit of the owning centre's own bank.
        var centreUnit = $"MXC {run}";
        using (var bodyBank = ItemBank.BankFolder.SmallUnit(bodyUnit, items: 1))
        using (var centreBank = ItemBank.BankFolder.SmallUnit(centreUnit, items: 1))
        {
            await ImportItemBank.RunAsync(store, ItemBankLoader.Load([bodyBank.Root], bodyBank.Root), retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
            var centreOwner = BankOwners.ForCentre(owning.Id);
            await ImportItemBank.RunAsync(store, ItemBankLoader.Load([centreBank.Root], centreBank.Root), retireMissing: true,
                new ImportRights(new HashSet<string> { centreOwner }, centreOwner), _ => "test", "test", TimeProvider.System);
        }

        _ids = new Ids(owning.Id, candidateHere.Id, sitting.Sitting.Id, attempt.Id, export, bodyUnit, $"mxb{run}-1.1-001", centreUnit, $"mxc{run}-1.1-001");

        _clients[new Caller(null, false)] = Client();
        var platform = Client();
        var operatorAccount = await Centres.OperatorAsync(store, $"operator{run}@example.org");
        using (var signedIn = await platform.SignInAsStaffAsync(operatorAccount.SignInName, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        _clients[new Caller(null, false, Operator: true)] = platform;
        var author = Client();
        var authorAccount = await Centres.AuthorAsync(store, $"author{run}@sqa.example.org", BankOwners.ForAwardingBody("SQA"));
        using (var signedIn = await author.SignInAsStaffAsync(authorAccount.SignInName, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        _clients[new Caller(null, false, BodyAuthor: true)] = author;
        foreach (var role in Roles.All)
        {
            foreach (var (centre, here) in new[] { (owning, true), (other, false) })
            {
                var client = Client();
                if (role == Role.Candidate)
                {
                    var number = here ? candidateHere.CandidateNumber : candidateThere.CandidateNumber;
                    using var signedIn = await client.SignInAsCandidateAsync(centre.Number, number, Centres.Password);
                    Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
                }
                else
                {
                    // The owning centre's invigilator is the one on its sitting.
                    var email = role == Role.Invigilator && here ? sitting.Invigilator.SignInName : $"{role.Name()}@{centre.Number}.example.org";
                    if (!(role == Role.Invigilator && here))
                    {
                        await Centres.StaffAsync(store, centre, email, role);
                    }

                    using var signedIn = await client.SignInAsStaffAsync(email, Centres.Password);
                    Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
                }

                _clients[new Caller(role, here)] = client;
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _engine.DisposeAsync();
    }

    private PageClient Client() => new(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    [Fact]
    public void Every_endpoint_has_a_row_in_the_matrix()
    {
        var missing = Templates().Where(t => !Matrix.ContainsKey(t) && !Expanded.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0, "endpoints with no authorisation rule in the matrix: " + string.Join(", ", missing));
        var stale = Matrix.Keys.Concat(Expanded.Keys).Except(Templates()).ToList();
        Assert.True(stale.Count == 0, "matrix rows for endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Every_endpoint_allows_exactly_the_callers_the_matrix_names()
    {
        var wrong = new List<string>();
        var calls = 0;
        // The job dashboard is middleware, not an endpoint: every centre's jobs, the platform operator's alone.
        foreach (var (caller, client) in _clients)
        {
            using var response = await client.Http.GetAsync(new Uri("/jobs", UriKind.Relative));
            calls++;
            var allowed = caller.Operator;
            if (allowed != (response.StatusCode == HttpStatusCode.OK))
            {
                wrong.Add($"GET /jobs as {caller}: expected {(allowed ? "allowed" : "refused")}, got {(int)response.StatusCode}");
            }
        }

        var rows = Matrix.Where(m => Templates().Contains(m.Key))
            .SelectMany(m => m.Value.Paths(_ids).SelectMany(path => m.Value.Methods.Select(method => (m.Value.Rule, Method: method, Path: path))))
            .Concat(Expanded.Values.SelectMany(expanded => expanded.SelectMany(row => row.Methods.Select(method => (row.Rule, Method: method, row.Path)))))
            .OrderBy(row => row.Rule.EndsSession);
        foreach (var (rule, method, path) in rows)
        {
            calls += await Check(rule, method, path, wrong);
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {calls} calls were wrong:\n" + string.Join("\n", wrong));
        Assert.True(calls > 150, $"only {calls} calls were made");
    }

    private async Task<int> Check(Rule rule, string method, string path, List<string> wrong)
    {
        var calls = 0;
        foreach (var (caller, client) in _clients)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST" && rule.EndsSession)
            {
                calls++;
                await SignOutAsync(caller, client, wrong);
                continue;
            }

            if (method == "POST")
            {
                // APIs take JSON (a form body is turned away as 415 before anyone is asked who they are); pages take forms.
                request.Content = path.StartsWith("/api/", StringComparison.Ordinal)
                    ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
                    : new FormUrlEncodedContent([]);
            }

            using var response = await client.Http.SendAsync(request);
            calls++;
            var refused = Refused(response) || (rule.OwnObject && response.StatusCode == HttpStatusCode.NotFound);
            if (rule.OwnObject && method == "POST")
            {
                // A POST without a valid form (antiforgery) or body is turned away (400) before the object is looked up, so
                // POSTs are checked by role here; the object checks on POST are the features' own tests (attempts,
                // invigilation, marking).
                rule = rule with { OwnObject = false, AtCentre = [], AnyCentre = rule.AtCentre };
                refused = Refused(response);
            }

            if (refused == rule.Allows(caller))
            {
                wrong.Add($"{method} {path} as {caller}: expected {(rule.Allows(caller) ? "allowed" : "refused")}, got {(int)response.StatusCode} {response.Headers.Location}");
            }

            if ((int)response.StatusCode >= 500)
            {
                wrong.Add($"{method} {path} as {caller}: server error {(int)response.StatusCode}");
            }
        }

        return calls;
    }

    /// <summary>
    /// Presses Sign out as the caller's page shows it (anonymous callers have none: they post the sign-in page's token), and
    /// checks that it succeeded and that the caller is signed out afterwards.
    /// </summary>
    private static async Task SignOutAsync(Caller caller, PageClient client, List<string> wrong)
    {
        var anonymous = caller.Role is null && !caller.Operator && !caller.BodyAuthor;
        using var signedOut = anonymous ? await client.PostFormAsync("/signin", "/signout", []) : await client.SignOutFromAsync("/signout");
        using var after = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        if (signedOut.StatusCode != HttpStatusCode.Redirect || signedOut.Headers.Location?.OriginalString != "/signout")
        {
            wrong.Add($"POST /signout as {caller}: expected a sign-out, got {(int)signedOut.StatusCode} {signedOut.Headers.Location}");
        }
        else if (!Refused(after))
        {
            wrong.Add($"POST /signout as {caller}: answered a sign-out but the caller is still signed in (GET / answered {(int)after.StatusCode})");
        }
    }

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } location
            && (location.Contains("/signin?", StringComparison.Ordinal) || location.Contains("/denied", StringComparison.Ordinal)));

    private HashSet<string> Templates() => _engine.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Select(e => (e.RoutePattern.RawText ?? "").Trim('/'))
        .ToHashSet();
}
