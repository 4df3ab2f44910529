using AssessmentEngine.Web.Features.Identity;
using Microsoft.AspNetCore.SignalR;

namespace AssessmentEngine.Web.Features.Invigilation;

/// <summary>
/// An invigilator who loses the role at a centre is told on every dashboard they have open (on any node, through the
/// backplane); the dashboard of that centre's sittings then stops. Their next call is refused in any case.
/// </summary>
public sealed class DashboardAccessWithdrawn(IHubContext<InvigilationHub, IInvigilatorClient> hub, ILogger<DashboardAccessWithdrawn> logger) : IAccessWithdrawn
{
    public async Task WithdrawnAsync(Guid userId, Guid centreId, IReadOnlyList<Role> lost, CancellationToken cancellationToken)
    {
        if (!lost.Contains(Role.Invigilator))
        {
            return;
        }

        try
        {
            await hub.Clients.User(userId.ToString()).AccessWithdrawn(centreId, InvigilatedSittings.NoLongerInvigilating);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("The withdrawal of {User}'s role was not pushed to their dashboards: {Reason}", userId, exception.Message);
        }
    }
}
