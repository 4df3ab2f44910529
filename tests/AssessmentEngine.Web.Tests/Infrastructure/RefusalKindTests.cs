using AssessmentEngine.Web.Infrastructure;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>The one place a refusal's kind becomes the status the API answers with.</summary>
public sealed class RefusalKindTests
{
    [Theory]
    [InlineData(RefusalKind.Invalid, 400)]
    [InlineData(RefusalKind.Conflict, 409)]
    [InlineData(RefusalKind.NotFound, 404)]
    [InlineData(RefusalKind.Forbidden, 403)]
    [InlineData(RefusalKind.TooMany, 429)]
    [InlineData(RefusalKind.TooLarge, 413)]
    [InlineData(RefusalKind.Superseded, 409)]
    public void Each_kind_answers_with_the_status_the_api_always_gave_it(RefusalKind kind, int status) =>
        Assert.Equal(status, kind.Status());

    [Fact]
    public void Every_kind_has_a_status() =>
        Assert.All(Enum.GetValues<RefusalKind>(), kind => Assert.InRange(kind.Status(), 400, 499));
}
