using System.Net;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Tests.Evidence;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>A form posted to a handler the page does not have is "not found", never a server error from a page rendered with nothing loaded.</summary>
public sealed class UnknownHandlerTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private EngineFactory _engine = null!;

    public async Task InitializeAsync() => await (_engine = new EngineFactory(database.ConnectionString, roles: "web")).StartedAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_post_to_a_handler_the_page_lacks_is_not_found()
    {
        var store = _engine.Services.GetRequiredService<Marten.IDocumentStore>();
        var centre = await Centres.CentreAsync(store, Random.Shared.Next(100000, 199999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (officer, _) = await EvidenceCandidates.StaffAsync(_engine, centre, $"officer{centre.Number}@example.org", Role.Admin);
        var page = $"/admin/centres/{centre.Id}/results";
        using var unknown = await officer.PostFormAsync(page, $"{page}?handler=NoSuchHandler", [new("chosen", Guid.NewGuid().ToString())]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var known = await officer.PostFormAsync(page, $"{page}?handler=Release", []);
        Assert.Equal(HttpStatusCode.BadRequest, known.StatusCode);
    }
}
