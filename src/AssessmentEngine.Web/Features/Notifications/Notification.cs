using Marten;

namespace AssessmentEngine.Web.Features.Notifications;

/// <summary>
/// A message waiting in the outbox for a candidate (window reminders). Its id makes each one unique, so the jobs that
/// write them can run twice. Sent once <see cref="SentAt"/> is set; a failed send is tried again, up to
/// <see cref="NotificationOutbox.MaxTries"/> times, with the last failure kept for the exam officer to read.
/// </summary>
public sealed record Notification(
    string Id, Guid CandidateId, Guid CentreId, string Subject, string Body, DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt = null, string? SentBy = null, int Tries = 0, string? Failure = null);

public static class NotificationOutbox
{
    public const int MaxTries = 10;

    public static StoreOptions ConfigureNotifications(this StoreOptions options)
    {
        options.Schema.For<Notification>().Index(n => n.SentAt).Index(n => n.CandidateId);
        return options;
    }
}
