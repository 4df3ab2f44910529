using System.Net;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// The walls between centres, tried as an attacker would: an exam officer of one centre reaching an account of another,
/// the jobs of every centre, a password reset that leaves other sessions open, an invigilator removed from a centre who
/// still acts on its sittings.
/// </summary>
public sealed class CentreBoundaryTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");
    private EngineFactory _engine = null!;
    private IDocumentStore _store = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        _engine.UseKestrel(0);
        _engine.StartServer();
        _base = _engine.ClientOptions.BaseAddress;
        _store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static string Number() => Random.Shared.Next(200000, 299999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<UserAccount> AccountAsync(Guid id)
    {
        await using var query = _store.QuerySession();
        return (await query.LoadAsync<UserAccount>(id))!;
    }

    [Fact]
    public async Task Adding_another_centres_member_of_staff_invites_them_and_gives_the_officer_no_hold_over_their_account()
    {
        var a = await Centres.CentreAsync(_store, Number(), "Centre A");
        var b = await Centres.CentreAsync(_store, Number(), "Centre B");
        var officerA = await Centres.StaffAsync(_store, a, $"officer{a.Number}@example.org", Role.Admin);
        var invigilatorB = await Centres.StaffAsync(_store, b, $"inv{b.Number}@example.org", Role.Invigilator);
        using var officer = await LiveClient.StaffAsync(_base, officerA.SignInName);

        using (var added = await officer.Page.PostFormAsync($"/centres/{a.Id}/staff", $"/centres/{a.Id}/staff?handler=Add",
                   [new("email", invigilatorB.SignInName), new("displayName", "Someone"), new("roles", "invigilator")]))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Contains("invitation", await added.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        // Until they accept, they hold nothing at A, and A's officer can neither reset nor see them.
        Assert.Equal([b.Id], (await AccountAsync(invigilatorB.Id)).Memberships.Select(m => m.CentreId));
        using (var reset = await officer.Page.PostFormAsync($"/centres/{a.Id}/staff", $"/centres/{a.Id}/staff?handler=Reset", [new("userId", invigilatorB.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
        }

        Assert.Null((await AccountAsync(invigilatorB.Id)).OneTimeCodeHash);

        // Accepted, they work at both centres; their account is still not A's to reset.
        using var person = await LiveClient.StaffAsync(_base, invigilatorB.SignInName);
        var invitations = await person.Page.GetPageAsync("/invitations");
        Assert.Contains("Centre A", invitations, StringComparison.Ordinal);
        using (var accepted = await person.Page.PostFormAsync("/invitations", "/invitations?handler=Accept", [new("centreId", a.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        Assert.Equal(new[] { a.Id, b.Id }.Order(), (await AccountAsync(invigilatorB.Id)).Memberships.Select(m => m.CentreId).Order());
        using (var reset = await officer.Page.PostFormAsync($"/centres/{a.Id}/staff", $"/centres/{a.Id}/staff?handler=Reset", [new("userId", invigilatorB.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
            Assert.Contains("another centre", await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Null((await AccountAsync(invigilatorB.Id)).OneTimeCodeHash);
    }

    [Fact]
    public async Task The_platform_operator_resets_an_account_that_works_at_two_centres()
    {
        var a = await Centres.CentreAsync(_store, Number(), "Centre A");
        var b = await Centres.CentreAsync(_store, Number(), "Centre B");
        var person = await Centres.StaffAsync(_store, b, $"assessor{b.Number}@example.org", Role.Assessor);
        await using (var session = _store.LightweightSession())
        {
            session.Store(person with { Memberships = [.. person.Memberships, new Membership(a.Id, [Role.Assessor])] });
            await session.SaveChangesAsync();
        }

        var operatorAccount = await Centres.OperatorAsync(_store, $"operator{a.Number}@example.org");
        using var platform = await LiveClient.StaffAsync(_base, operatorAccount.SignInName);
        string link;
        using (var issued = await platform.Page.PostFormAsync("/operator", "/operator?handler=Reset", [new("email", person.SignInName)]))
        {
            var page = await issued.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            link = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, @"http://[^\s<""]+/reset-password\?name=[^\s<""]+").Value);
        }

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
        using var them = await LiveClient.AnonymousAsync(_base);
        using var reset = await them.Page.PostFormAsync("/reset-password", "/reset-password",
            [new("signInName", query["name"]!), new("code", query["code"]!), new("newPassword", "their own new passphrase")]);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        await using var read = _store.QuerySession();
        var centres = await read.Query<AuditEntry>().Where(e => e.SubjectId == person.Id && e.Action == nameof(PasswordResetCodeIssued)).Select(e => e.CentreIds).ToListAsync();
        Assert.Equal(new[] { a.Id, b.Id }.Order(), centres.SelectMany(c => c).Order()); // each centre's audit log shows it
    }

    [Fact]
    public async Task An_invitation_is_accepted_once_by_the_person_invited_and_not_by_anyone_else()
    {
        var a = await Centres.CentreAsync(_store, Number(), "Centre A");
        var b = await Centres.CentreAsync(_store, Number(), "Centre B");
        var invited = await Centres.StaffAsync(_store, b, $"tutor{b.Number}@example.org", Role.Tutor);
        var stranger = await Centres.StaffAsync(_store, b, $"other{b.Number}@example.org", Role.Tutor);
        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CentreRegistry>().AddStaffAsync(a.Id, invited.SignInName, "Invited", [Role.Assessor], Officer);
        }

        using var other = await LiveClient.StaffAsync(_base, stranger.SignInName);
        // Nothing waits for them, so their invitations page has no form: a token from another page of theirs serves.
        using (var refused = await other.Page.PostFormAsync("/tutor", "/invitations?handler=Accept", [new("centreId", a.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.DoesNotContain((await AccountAsync(stranger.Id)).Memberships, m => m.CentreId == a.Id);
        using var person = await LiveClient.StaffAsync(_base, invited.SignInName);
        using (var accepted = await person.Page.PostFormAsync("/invitations", "/invitations?handler=Accept", [new("centreId", a.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        using (var again = await person.Page.PostFormAsync("/tutor", "/invitations?handler=Accept", [new("centreId", a.Id.ToString())]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        Assert.Equal([Role.Assessor], (await AccountAsync(invited.Id)).Memberships.Single(m => m.CentreId == a.Id).Roles);
        await using var query = _store.QuerySession();
        var actions = await query.Query<AuditEntry>().Where(e => e.SubjectId == invited.Id).Select(e => e.Action).ToListAsync();
        Assert.Contains(nameof(InvitationSent), actions);
        Assert.Contains(nameof(InvitationAccepted), actions);
    }

    [Fact]
    public async Task The_jobs_of_every_centre_are_the_platform_operators_alone()
    {
        var a = await Centres.CentreAsync(_store, Number(), "Centre A");
        var officerA = await Centres.StaffAsync(_store, a, $"officer{a.Number}@example.org", Role.Admin);
        var operatorAccount = await Centres.OperatorAsync(_store, $"operator{a.Number}@example.org");
        using var officer = await LiveClient.StaffAsync(_base, officerA.SignInName);
        using var platform = await LiveClient.StaffAsync(_base, operatorAccount.SignInName);

        using var refused = await officer.Http.GetAsync(new Uri("/jobs", UriKind.Relative));
        using var allowed = await platform.Http.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_password_reset_ends_every_other_session_of_the_account()
    {
        var a = await Centres.CentreAsync(_store, Number(), "Centre A");
        var tutor = await Centres.StaffAsync(_store, a, $"tutor{a.Number}@example.org", Role.Tutor);
        using var elsewhere = await LiveClient.StaffAsync(_base, tutor.SignInName); // a session left open on another computer
        using (var before = await elsewhere.Http.GetAsync(new Uri("/tutor", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        string code;
        using (var scope = _engine.Services.CreateScope())
        {
            code = await scope.ServiceProvider.GetRequiredService<CentreRegistry>().IssueResetCodeAsync(a.Id, tutor.Id, Officer);
        }

        using var here = await LiveClient.AnonymousAsync(_base);
        using (var reset = await here.Page.PostFormAsync("/reset-password", "/reset-password",
                   [new("signInName", tutor.SignInName), new("code", code), new("newPassword", "a brand new passphrase")]))
        {
            Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        }

        using (var after = await elsewhere.Http.GetAsync(new Uri("/tutor", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.StartsWith("/signin", after.Headers.Location?.PathAndQuery ?? after.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using var mine = await here.Http.GetAsync(new Uri("/tutor", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode); // the session that set the password goes on
    }

    [Fact]
    public async Task An_invigilator_removed_from_the_centre_is_refused_on_the_live_connection_at_once_and_told_why()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, 1, "RMV");
        using var invigilator = await LiveClient.StaffAsync(_base, sitting.Invigilator.SignInName);
        await using var hub = invigilator.Hub("/hubs/invigilation");
        var told = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<Guid, string>("AccessWithdrawn", (_, reason) => told.TrySetResult(reason));
        await hub.StartAsync();
        await hub.InvokeAsync<object>("Watch", sitting.Sitting.Id);

        using (var scope = _engine.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CentreRegistry>().SetRolesAsync(sitting.Centre.Id, sitting.Invigilator.Id, [], Officer);
        }

        var refusal = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<int>("Pause", sitting.Sitting.Id, new[] { sitting.Candidates[0].Id }, "test"));
        Assert.Contains("no longer", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("no longer", await told.Task.WaitAsync(Waits.Settle), StringComparison.Ordinal);
    }
}
