using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace AssessmentEngine.Web.Features.Notifications;

/// <summary>One message to one person.</summary>
public sealed record OutgoingMessage(string? ToAddress, string ToName, string Subject, string Body);

/// <summary>Where the outbox goes: the log (the default) or email over SMTP (Notifications:Sender = smtp).</summary>
public interface INotificationSender
{
    string Name { get; }

    /// <summary>Sends, or throws <see cref="NotificationNotSentException"/> with a reason a person can act on.</summary>
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

public sealed class NotificationNotSentException(string message, bool worthRetrying = true, Exception? inner = null) : Exception(message, inner)
{
    public bool WorthRetrying { get; } = worthRetrying;
}

/// <summary>The default: writes each message to the log, so a centre without a mail server still sees what would go.</summary>
public sealed class LogNotificationSender(ILogger<LogNotificationSender> logger) : INotificationSender
{
    public string Name => "log";

    public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        logger.LogInformation("Notification to {To} <{Address}>: {Subject}", message.ToName, message.ToAddress ?? "no address", message.Subject);
        return Task.CompletedTask;
    }
}

/// <summary>SMTP settings (section Notifications:Smtp).</summary>
public sealed class SmtpSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>auto (TLS when the server offers it), starttls (required), tls (implicit, port 465) or none.</summary>
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "AssessmentEngine <no-reply@localhost>";
}

/// <summary>Email through the centre's SMTP server (MailKit: the maintained SMTP client for .NET).</summary>
public sealed class SmtpNotificationSender(SmtpSettings settings) : INotificationSender
{
    public string Name => "smtp";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message.ToAddress) || !MailboxAddress.TryParse(message.ToAddress, out var to))
        {
            throw new NotificationNotSentException($"{message.ToName} has no usable email address on record.", worthRetrying: false);
        }

        to.Name = message.ToName;
        var mail = new MimeMessage { Subject = message.Subject, Body = new TextPart("plain") { Text = message.Body } };
        mail.From.Add(MailboxAddress.Parse(settings.From));
        mail.To.Add(to);
        try
        {
            using var client = new SmtpClient { Timeout = 30_000 };
            await client.ConnectAsync(settings.Host!, settings.Port, Security(settings.Security), cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(mail, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not NotificationNotSentException)
        {
            throw new NotificationNotSentException($"The mail server {settings.Host}:{settings.Port} did not take the message: {exception.Message}", inner: exception);
        }
    }

    private static SecureSocketOptions Security(string value) => value.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}

public static class NotificationsSetup
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        var sender = configuration["Notifications:Sender"] ?? "log";
        switch (sender.ToLowerInvariant())
        {
            case "log":
                services.AddSingleton<INotificationSender, LogNotificationSender>();
                break;
            case "smtp":
                var smtp = configuration.GetSection("Notifications:Smtp").Get<SmtpSettings>() ?? new SmtpSettings();
                if (string.IsNullOrWhiteSpace(smtp.Host))
                {
                    throw new InvalidOperationException("Notifications:Sender is smtp but Notifications:Smtp:Host is not set; set it (and Port, Security, UserName, Password, From) or use Notifications:Sender=log.");
                }

                services.AddSingleton(smtp);
                services.AddSingleton<INotificationSender, SmtpNotificationSender>();
                break;
            default:
                throw new InvalidOperationException($"Notifications:Sender is '{sender}'; it must be log or smtp.");
        }

        services.AddScoped<SendNotificationsJob>();
        return services;
    }
}
