using System.Net;
using System.Net.Sockets;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;

namespace AssessmentEngine.Web.Tests.Notifications;

/// <summary>The outbox emptied through a real SMTP conversation with a mail server listening on loopback.</summary>
public sealed class SendNotificationsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static async Task<Notification> WaitingAsync(IDocumentStore store, Candidate candidate, string id)
    {
        var notification = new Notification(id, candidate.Id, candidate.CentreId, "Your assessment window for FE6V 35 closes in 7 day(s)",
            "Dear Candidate, your window closes at 23:59 on Sunday 11 April 2027.", DateTimeOffset.UtcNow);
        await using var session = store.LightweightSession();
        session.Store(notification);
        await session.SaveChangesAsync();
        return notification;
    }

    private static async Task<Notification> LoadAsync(IDocumentStore store, string id)
    {
        await using var query = store.QuerySession();
        return (await query.LoadAsync<Notification>(id))!;
    }

    [Fact]
    public async Task With_smtp_configured_each_waiting_message_is_mailed_once_and_marked_sent()
    {
        var port = FreePort();
        using var mail = SimpleSmtpServer.Start(port);
        await using var engine = await new EngineFactory(database.ConnectionString, roles: "web")
            .WithSetting("Notifications:Sender", "smtp")
            .WithSetting("Notifications:Smtp:Host", "127.0.0.1")
            .WithSetting("Notifications:Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Notifications:Smtp:Security", "none")
            .WithSetting("Notifications:Smtp:From", "Demo College <exams@demo-college.example>")
            .StartedAsync();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var centre = await Centres.CentreAsync(store, "610001");
        var withEmail = await Centres.CandidateAsync(store, centre, "MAIL0001");
        withEmail = withEmail with { Email = "mail0001@learner.example" };
        await using (var session = store.LightweightSession())
        {
            session.Store(withEmail);
            await session.SaveChangesAsync();
        }

        var withoutEmail = await Centres.CandidateAsync(store, centre, "MAIL0002");
        await WaitingAsync(store, withEmail, "test/mail/1");
        await WaitingAsync(store, withoutEmail, "test/mail/2");

        using (var scope = engine.Services.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SendNotificationsJob>().RunAsync(CancellationToken.None));
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<SendNotificationsJob>().RunAsync(CancellationToken.None));
        }

        var received = Assert.Single(mail.ReceivedEmail);
        Assert.Equal("Your assessment window for FE6V 35 closes in 7 day(s)", received.Headers["Subject"]);
        Assert.Equal("mail0001@learner.example", Assert.Single(received.ToAddresses).Address);
        Assert.Contains("23:59 on Sunday 11 April 2027", received.MessageParts[0].BodyData, StringComparison.Ordinal);

        var sent = await LoadAsync(store, "test/mail/1");
        Assert.Equal("smtp", sent.SentBy);
        Assert.NotNull(sent.SentAt);
        var refused = await LoadAsync(store, "test/mail/2");
        Assert.Null(refused.SentAt);
        Assert.Equal("Candidate MAIL0002 has no usable email address on record.", refused.Failure);
        Assert.Equal(NotificationOutbox.MaxTries, refused.Tries); // not tried again: nothing would change
    }

    [Fact]
    public async Task When_the_mail_server_is_away_the_message_waits_and_goes_when_it_is_back()
    {
        var port = FreePort();
        await using var engine = await new EngineFactory(database.ConnectionString, roles: "web")
            .WithSetting("Notifications:Sender", "smtp")
            .WithSetting("Notifications:Smtp:Host", "127.0.0.1")
            .WithSetting("Notifications:Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Notifications:Smtp:Security", "none")
            .StartedAsync();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var centre = await Centres.CentreAsync(store, "610002");
        var candidate = (await Centres.CandidateAsync(store, centre, "MAIL0003")) with { Email = "mail0003@learner.example" };
        await using (var session = store.LightweightSession())
        {
            session.Store(candidate);
            await session.SaveChangesAsync();
        }

        await WaitingAsync(store, candidate, "test/mail/3");
        using var scope = engine.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<SendNotificationsJob>();

        Assert.Equal(0, await job.RunAsync(CancellationToken.None));
        var waiting = await LoadAsync(store, "test/mail/3");
        Assert.Equal(1, waiting.Tries);
        Assert.StartsWith($"The mail server 127.0.0.1:{port} did not take the message", waiting.Failure, StringComparison.Ordinal);

        using var mail = SimpleSmtpServer.Start(port);
        Assert.Equal(1, await job.RunAsync(CancellationToken.None));
        Assert.Single(mail.ReceivedEmail);
        Assert.Null((await LoadAsync(store, "test/mail/3")).Failure);
    }

    [Fact]
    public async Task By_default_messages_go_to_the_log_and_are_marked_sent_by_it()
    {
        await using var engine = await new EngineFactory(database.ConnectionString, roles: "web").StartedAsync();
        var store = engine.Services.GetRequiredService<IDocumentStore>();
        var centre = await Centres.CentreAsync(store, "610003");
        var candidate = await Centres.CandidateAsync(store, centre, "MAIL0004");
        await WaitingAsync(store, candidate, "test/mail/4");

        using var scope = engine.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<SendNotificationsJob>().RunAsync(CancellationToken.None);

        Assert.Equal("log", (await LoadAsync(store, "test/mail/4")).SentBy);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
