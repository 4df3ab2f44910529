using Marten.Events.Aggregation;

namespace AssessmentEngine.Web.Features.Attempts.Admitting;

/// <summary>
/// The items of the form an attempt was given, with its sitting and unit: a small document beside the attempt, written
/// in the same transaction (an inline projection of the attempt's events). Admitting a candidate reads the room's
/// earlier forms; reading them from the attempts themselves meant reading every attempt document of the room, answers
/// and all, once per admission, which is what slowed a start of thousands.
/// </summary>
public sealed record IssuedForm(Guid Id, Guid SittingId, string UnitCode, IReadOnlyList<string> ItemIds);

public sealed class IssuedFormProjection : SingleStreamProjection<IssuedForm, Guid>
{
    public static IssuedForm Create(CandidateCheckedIn checkedIn) => new(checkedIn.AttemptId, checkedIn.SittingId, checkedIn.UnitCode, []);

    public static IssuedForm Apply(CandidateAdmitted admitted, IssuedForm issued) => issued with { ItemIds = admitted.Form.Items.Select(i => i.ItemId).ToList() };
}
