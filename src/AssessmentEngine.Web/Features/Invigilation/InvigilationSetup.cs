using AssessmentEngine.Web.Features.Sittings;
using Marten;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>Invigilation's services, its store listener (live pushes) and its two hubs.</summary>
public static class InvigilationSetup
{
    public static IServiceCollection AddInvigilation(this IServiceCollection services)
    {
        services.AddSingleton<InvigilationPlaybook>();
        services.AddSingleton<HubThrottle>();
        services.AddScoped<LiveUpdates>();
        services.ConfigureMarten((provider, options) => options.Listeners.Add(
            new LivePushes(provider, provider.GetRequiredService<ILogger<LivePushes>>())));
        services.AddSingleton<SeenNotices>();
        services.AddSingleton<GridRows>();
        services.AddHostedService(provider => provider.GetRequiredService<GridRows>());
        services.AddHostedService(provider => provider.GetRequiredService<SeenNotices>());
        services.AddScoped<InvigilatedSittings>();
        services.AddScoped<RoomActions>();
        services.AddScoped<Watching.WatchSitting>();
        services.AddScoped<Admitting.AdmitAtTheDesk>();
        services.AddScoped<Admitting.AdmitTicked>();
        services.AddScoped<StartingTheRoom.StartTheRoom>();
        services.AddScoped<Admitting.RefuseAtTheDesk>();
        services.AddScoped<Pausing.PauseCandidates>();
        services.AddScoped<Pausing.ResumeCandidates>();
        services.AddScoped<ExtendingTime.ExtendTime>();
        services.AddScoped<Messaging.SendMessage>();
        services.AddScoped<LoggingIncidents.LogIncident>();
        services.AddScoped<Voiding.VoidAttempt>();
        services.AddScoped<Ending.EndSitting>();
        services.AddScoped<RotatingCodes.RotateAccessCode>();
        services.AddScoped<IssuingSignInCodes.IssueSignInCode>();
        services.AddSingleton<Identity.IAccessWithdrawn, DashboardAccessWithdrawn>();
        return services;
    }

    /// <summary>Presence (focus, connection) has streams of its own; older attempt streams hold the same facts, and the document takes both.</summary>
    public static StoreOptions ConfigureInvigilation(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(FocusLost), typeof(FocusRegained), typeof(CandidateConnected), typeof(CandidateDisconnected)]);
        options.Projections.Add<CandidatePresenceProjection>(JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        return options;
    }

    public static WebApplication MapInvigilation(this WebApplication app)
    {
        app.MapHub<InvigilationHub>("/hubs/invigilation");
        app.MapHub<CandidateHub>("/hubs/candidate");
        return app;
    }
}
