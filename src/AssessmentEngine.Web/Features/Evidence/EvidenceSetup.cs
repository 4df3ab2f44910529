using AssessmentEngine.Web.Features.Evidence.Scanning;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Uploading;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Evidence;

public sealed class SubmissionProjection : SingleStreamProjection<Submission, Guid>
{
    public static Submission Create(EvidenceFileAdded added) => Submission.Create(added);

    public static Submission Apply(EvidenceFileAdded added, Submission submission) => submission.Apply(added);

    public static Submission Apply(EvidenceFileRemoved removed, Submission submission) => submission.Apply(removed);

    public static Submission Apply(EvidenceFileScanned scanned, Submission submission) => submission.Apply(scanned);

    public static Submission Apply(EvidenceSubmitted submitted, Submission submission) => submission.Apply(submitted);

    public static Submission Apply(EvidenceJudged judged, Submission submission) => submission.Apply(judged);

    public static Submission Apply(EvidenceSampled sampled, Submission submission) => submission.Apply(sampled);

    public static Submission Apply(EvidenceVerified verified, Submission submission) => submission.Apply(verified);

    public static Submission Apply(EvidenceCrossReferenced counted, Submission submission) => submission.Apply(counted);
}

public sealed class AssessorRecordProjection : SingleStreamProjection<Recording.AssessorRecord, Guid>
{
    public static Recording.AssessorRecord Create(Recording.AssessorEvidenceRecorded recorded) => Recording.AssessorRecord.Create(recorded);

    public static Recording.AssessorRecord Apply(Recording.WitnessConfirmed confirmed, Recording.AssessorRecord record) => record.Apply(confirmed);
}

public static class EvidenceSetup
{
    public static StoreOptions ConfigureEvidence(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(EvidenceFileAdded), typeof(EvidenceFileScanned), typeof(EvidenceFileRemoved), typeof(EvidenceSubmitted),
            typeof(EvidenceJudged), typeof(EvidenceSampled), typeof(EvidenceVerified), typeof(EvidenceFileDownloaded)]);
        options.Events.AddEventTypes([typeof(EvidenceCrossReferenced)]);
        options.Projections.Add<SubmissionProjection>(ProjectionLifecycle.Inline);
        options.Events.AddEventTypes([typeof(Recording.AssessorEvidenceRecorded), typeof(Recording.WitnessConfirmed)]);
        options.Projections.Add<AssessorRecordProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Recording.AssessorRecord>().Index(r => r.EnrolmentId).Index(r => r.CandidateId).Index(r => r.LinkHash!);
        options.Schema.For<Submission>().Index(s => s.CentreId).Index(s => s.CandidateId);
        options.Schema.For<EvidenceUpload>().Index(u => u.CandidateId).Index(u => u.StartedAt);
        options.Schema.For<PendingScan>();
        options.Storage.ExtendedSchemaObjects.Add(PostgresEvidenceFiles.Definition());
        return options;
    }

    public static IServiceCollection AddEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<EvidenceLimits>();
        services.AddSingleton<IEvidenceFileStore, PostgresEvidenceFiles>();
        services.AddEvidenceScanning(configuration);
        services.AddScoped<Submitting.CandidateBriefs>();
        services.AddScoped<Submitting.SubmitEvidence>();
        services.AddScoped<AcceptUpload>();
        services.AddScoped<ScanPendingFilesJob>();
        services.AddScoped<AbandonedUploadsJob>();
        services.AddScoped<Judging.EvidenceForAssessors>();
        services.AddScoped<Judging.JudgeEvidence>();
        services.AddScoped<CrossReferencing.CrossReferenceEvidence>();
        services.AddScoped<Portfolio.PortfolioForms>();
        services.AddScoped<Recording.RecordAssessorEvidence>();
        services.AddScoped<Verifying.SampleEvidence>();
        services.AddScoped<Verifying.VerifyEvidence>();
        return services;
    }

    public static WebApplication MapEvidence(this WebApplication app)
    {
        app.MapEvidenceUploads();
        app.MapEvidenceDownloads();
        return app;
    }
}
