using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Awards;
using AssessmentEngine.Web.Features.Demo;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.ExternalVerification;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Features.Notifications;
using AssessmentEngine.Web.Features.Reports;
using AssessmentEngine.Web.Features.Units;
using AssessmentEngine.Web.Infrastructure.Health;
using AssessmentEngine.Web.Infrastructure.Jobs;
using AssessmentEngine.Web.Infrastructure.Realtime;
using AssessmentEngine.Web.Infrastructure.Store;

namespace AssessmentEngine.Web.Infrastructure;

/// <summary>The whole application's composition: each feature contributes its services and endpoints here.</summary>
public static class AssessmentEngineHosting
{
    public static WebApplicationBuilder AddAssessmentEngine(this WebApplicationBuilder builder)
    {
        var roles = NodeRoles.From(builder.Configuration);
        builder.Services.AddSingleton(roles);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddStore(builder.Configuration, roles);
        builder.Services.AddNotifications(builder.Configuration);
        builder.Services.AddHealth();
        builder.Services.AddRealtime(builder.Configuration);
        builder.Services.AddRazorPages(options => options.RootDirectory = "/Features")
            .AddMvcOptions(options =>
            {
                options.Filters.Add<UnknownPageHandlers>();
                options.Filters.Add<RefusalsOnPages>();
            });

        builder.Services.AddIdentityFeature(builder.Configuration);
        builder.Services.AddScoped<CentreRegistry>();
        builder.Services.AddScoped<Features.Platform.PlatformOperator>();
        builder.Services.AddSingleton<ItemBankLocation>();
        builder.Services.AddScoped<TutorUpload>();
        builder.Services.AddHostedService<DemoData>();
        builder.Services.AddJobs(roles);
        builder.Services.AddScoped<EnrolmentWrites>();
        builder.Services.AddScoped<Features.Enrolments.Enrolling.EnrolCandidates>();
        builder.Services.AddScoped<Features.Enrolments.Windows.AgreeWindow>();
        builder.Services.AddScoped<Features.Enrolments.Windows.ExtendWindow>();
        builder.Services.AddScoped<Features.Enrolments.Windows.ArrangeReassessment>();
        builder.Services.AddScoped<Features.Sittings.Scheduling.ScheduleSitting>();
        builder.Services.AddScoped<Features.Sittings.BookingCandidates.BookCandidates>();
        builder.Services.AddSingleton<Features.Sittings.SittingReads>();
        builder.Services.AddScoped<CloseWindowsJob>();
        builder.Services.AddScoped<WindowRemindersJob>();
        builder.Services.AddAttempts();
        builder.Services.AddMarking();
        builder.Services.AddInvigilation();
        builder.Services.AddModeration();
        builder.Services.AddEvidence(builder.Configuration);
        builder.Services.AddUnits();
        builder.Services.AddReports();
        builder.Services.AddAwards();
        builder.Services.AddExternalVerification();
        return builder;
    }

    public static WebApplication MapAssessmentEngine(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = ScriptCaching.RevalidateUnversioned });
        app.UseIdentityFeature();
        app.MapHealth();
        app.MapJobsDashboard();
        app.MapAttemptsApi();
        app.MapInvigilation();
        app.MapEvidence();
        app.MapRazorPages();
        return app;
    }
}
