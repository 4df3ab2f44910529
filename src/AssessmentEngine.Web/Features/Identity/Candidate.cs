namespace AssessmentEngine.Web.Features.Identity;

/// <summary>Reasonable adjustments (additional support needs), with who approved them and when.</summary>
public sealed record Adjustments(
    int ExtraTimePercent = 0,
    bool RestBreaks = false,
    bool LargeText = false,
    bool HighContrast = false,
    string? Notes = null,
    string? ApprovedBy = null,
    DateTimeOffset? ApprovedAt = null)
{
    public static readonly Adjustments None = new();

    public bool Any => ExtraTimePercent > 0 || RestBreaks || LargeText || HighContrast || !string.IsNullOrWhiteSpace(Notes);

    public string Describe()
    {
        var parts = new List<string>();
        if (ExtraTimePercent > 0) parts.Add($"{ExtraTimePercent} % extra time");
        if (RestBreaks) parts.Add("rest breaks");
        if (LargeText) parts.Add("large text");
        if (HighContrast) parts.Add("high contrast");
        if (!string.IsNullOrWhiteSpace(Notes)) parts.Add(Notes.Trim());
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}

/// <summary>A registered candidate: the candidate number is the awarding body's and unique within the centre.</summary>
public sealed record Candidate(
    Guid Id,
    Guid CentreId,
    string CandidateNumber,
    string FirstName,
    string LastName,
    DateOnly DateOfBirth,
    Adjustments Adjustments,
    Guid UserId,
    string? Email = null)
{
    public string Name => $"{FirstName} {LastName}";
}
