using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Infrastructure.Store;
using Hangfire;

namespace AssessmentEngine.Web.Infrastructure.Jobs;

/// <summary>Registers the recurring safety nets once the database is there (worker nodes only).</summary>
internal sealed class RecurringJobsRegistration(NodeRoles roles, SchemaState schema, IServiceProvider services, ILogger<RecurringJobsRegistration> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!roles.Worker)
        {
            return;
        }

        while (!schema.Applied)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var recurring = services.GetRequiredService<IRecurringJobManager>();
                recurring.AddOrUpdate<CloseWindowsJob>(CloseWindowsJob.SweepId, job => job.SweepAsync(CancellationToken.None), Cron.Minutely());
                recurring.AddOrUpdate<SubmitAtTimeUpJob>(SubmitAtTimeUpJob.SweepId, job => job.SweepAsync(CancellationToken.None), Cron.Minutely());
                recurring.AddOrUpdate<Features.Evidence.Uploading.ScanPendingFilesJob>(Features.Evidence.Uploading.ScanPendingFilesJob.Id,
                    job => job.RunAsync(CancellationToken.None), Cron.Minutely());
                recurring.AddOrUpdate<Features.Evidence.Uploading.AbandonedUploadsJob>(Features.Evidence.Uploading.AbandonedUploadsJob.Id,
                    job => job.RunAsync(CancellationToken.None), Cron.Hourly());
                recurring.AddOrUpdate<Features.Units.Releasing.ReleaseDueResultsJob>(Features.Units.Releasing.ReleaseDueResultsJob.Id,
                    job => job.RunAsync(CancellationToken.None), "*/5 * * * *");
                recurring.AddOrUpdate<SendNotificationsJob>(SendNotificationsJob.Id, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
                recurring.AddOrUpdate<WindowRemindersJob>(WindowRemindersJob.Id, job => job.RunAsync(CancellationToken.None), "*/15 * * * *");
                // Shortly after midnight UTC, each centre's previous day (in its own time zone, which has ended by then in Europe).
                recurring.AddOrUpdate<ExportMarksJob>(ExportMarksJob.NightlyId, job => job.NightlyAsync(CancellationToken.None), "30 2 * * *");
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Recurring jobs not registered yet: {Reason}", exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
