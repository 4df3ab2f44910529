namespace AssessmentEngine.Web.Features.Identity;

/// <summary>An approved centre: its awarding-body centre number and the time zone its windows and sittings are in.</summary>
public sealed record Centre(Guid Id, string Name, string Number, string TimeZone)
{
    public const string DefaultTimeZone = "Europe/London";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
