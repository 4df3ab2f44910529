namespace AssessmentEngine.Web.Features.Identity;

/// <summary>An approved centre: its awarding-body centre number and the time zone its windows and sittings are in.</summary>
/// <paramref name="AnonymousMarking"/>: assessors see candidate numbers only, not names.
public sealed record Centre(Guid Id, string Name, string Number, string TimeZone, bool AnonymousMarking = false)
{
    public const string DefaultTimeZone = "Europe/London";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
