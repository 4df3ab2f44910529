using AssessmentEngine.Web.Features.Identity;
using Marten;

namespace AssessmentEngine.Web.Features.Centres;

/// <summary>The centres where the signed-in person holds a role, for the role home pages.</summary>
public static class CentreDirectory
{
    public static async Task<IReadOnlyList<Centre>> WhereAsync(this IQuerySession session, System.Security.Claims.ClaimsPrincipal user, Role role, CancellationToken cancellationToken)
    {
        var ids = user.CentresWhere(role).ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var centres = await session.LoadManyAsync<Centre>(cancellationToken, ids);
        return centres.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }
}
