using System.Net;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// Sign out at a shared exam-room computer: pressed on any page, it ends that session on the server, so a copy of its
/// cookie (taken before, on another computer) is refused too, and so is a live connection; the person's other sessions go on.
/// </summary>
public sealed class SigningOutTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
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

    private static string Number() => Random.Shared.Next(300000, 399999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string> StaffPages() => ["/admin", "/centres/{centre}/staff", "/invitations", "/signout"];

    [Theory]
    [MemberData(nameof(StaffPages))]
    public async Task Signing_out_from_a_staff_page_ends_the_session_and_a_copied_cookie_stops_working(string page)
    {
        var centre = await Centres.CentreAsync(_store, Number());
        var officer = await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        using var here = await LiveClient.StaffAsync(_base, officer.SignInName);

        await SignOutEndsTheSessionAsync(here, page.Replace("{centre}", centre.Id.ToString(), StringComparison.Ordinal), "/admin");
    }

    public static TheoryData<string> CandidatePages() => ["/candidate", "/candidate/attempts/{attempt}/test"];

    [Theory]
    [MemberData(nameof(CandidatePages))]
    public async Task Signing_out_from_a_candidate_page_ends_the_session_and_a_copied_cookie_stops_working(string page)
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates: 1, prefix: "OUT");
        var candidate = sitting.Candidates[0];
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidate);
        using var here = await LiveClient.CandidateAsync(_base, sitting.Centre.Number, candidate.CandidateNumber);

        await SignOutEndsTheSessionAsync(here, page.Replace("{attempt}", attempt.Id.ToString(), StringComparison.Ordinal), "/candidate");
    }

    [Fact]
    public async Task Signing_out_on_one_computer_leaves_the_persons_other_sessions_open_and_is_audited()
    {
        var centre = await Centres.CentreAsync(_store, Number());
        var officer = await Centres.StaffAsync(_store, centre, $"officer{centre.Number}@example.org", Role.Admin);
        using var examRoom = await LiveClient.StaffAsync(_base, officer.SignInName);
        using var office = await LiveClient.StaffAsync(_base, officer.SignInName);

        using (var signedOut = await examRoom.Page.SignOutFromAsync("/admin"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        Assert.Contains(centre.Name, await office.Page.GetPageAsync("/admin"), StringComparison.Ordinal);
        await using var query = _store.QuerySession();
        var entries = await query.Query<AuditEntry>().Where(e => e.SubjectId == officer.Id).ToListAsync();
        Assert.Single(entries, e => e.Action == "SignedOut" && e.CentreIds.Contains(centre.Id));
    }

    [Fact]
    public async Task A_live_connection_of_a_session_that_signed_out_is_refused_at_its_next_call()
    {
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates: 1, prefix: "HUB");
        var candidate = sitting.Candidates[0];
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidate);
        using var here = await LiveClient.CandidateAsync(_base, sitting.Centre.Number, candidate.CandidateNumber);
        await using var hub = here.Hub("/hubs/candidate");
        await hub.StartAsync();
        await hub.InvokeAsync<object>("Join", attempt.Id);
        await hub.InvokeAsync("Heartbeat", attempt.Id);

        using (var signedOut = await here.Page.SignOutFromAsync($"/candidate/attempts/{attempt.Id}/test"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        // The engine closes the connection as it refuses the call: the refusal arrives, or the connection ends under the call.
        var refusal = await Record.ExceptionAsync(() => hub.InvokeAsync("Heartbeat", attempt.Id));
        Assert.True(refusal is HubException { Message: var message } ? message.Contains(CurrentAccessHubFilter.SessionEnded, StringComparison.Ordinal) : refusal is TaskCanceledException,
            $"a heartbeat after signing out was not refused: {refusal?.GetType().Name} {refusal?.Message}");
        Assert.NotEqual(HubConnectionState.Connected, hub.State);
    }

    /// <summary>
    /// Presses Sign out on <paramref name="page"/>, having copied the cookies to another computer first; afterwards neither
    /// this browser nor the copy reaches <paramref name="home"/>.
    /// </summary>
    private static async Task SignOutEndsTheSessionAsync(LiveClient here, string page, string home)
    {
        using var copy = here.Copied();
        await copy.Page.GetPageAsync(home); // the copy works while the session is open

        using (var signedOut = await here.Page.SignOutFromAsync(page))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.Equal("/signout", signedOut.Headers.Location?.OriginalString);
        }

        Assert.Contains("You have signed out", await here.Page.GetPageAsync("/signout"), StringComparison.Ordinal);
        foreach (var (who, client) in new[] { ("this browser", here), ("the copied cookie", copy) })
        {
            using var after = await client.Http.GetAsync(new Uri(home, UriKind.Relative));
            Assert.True(after.StatusCode == HttpStatusCode.Redirect && (after.Headers.Location?.OriginalString ?? "").Contains("/signin", StringComparison.Ordinal),
                $"after signing out, {who} still reaches {home}: {(int)after.StatusCode} {after.Headers.Location}");
        }
    }
}
