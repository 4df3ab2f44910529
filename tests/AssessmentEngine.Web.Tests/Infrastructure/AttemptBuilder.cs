using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Admitting;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Attempts.Starting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Sittings;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>Builders for attempts, through the engine's own services, named by the state they leave the attempt in.</summary>
public static class AttemptBuilder
{
    public static async Task<Attempt> CheckedInAsync(IServiceProvider services, Sitting sitting, Candidate candidate)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CheckIn>().HandleAsync(sitting.Id, candidate, sitting.AccessCode, $"candidate:{candidate.CandidateNumber}");
    }

    public static async Task<Attempt> AdmittedAsync(IServiceProvider services, Sitting sitting, Candidate candidate)
    {
        await CheckedInAsync(services, sitting, candidate);
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AdmitCandidate>()
            .AdmitAsync(sitting.Id, candidate.Id, identityChecked: true, sitting.InvigilatorIds[0], "invigilator");
    }

    public static async Task<Attempt> InProgressAsync(IServiceProvider services, Sitting sitting, Candidate candidate)
    {
        var admitted = await AdmittedAsync(services, sitting, candidate);
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StartAttempt>().HandleAsync(admitted, $"candidate:{candidate.CandidateNumber}");
    }
}
