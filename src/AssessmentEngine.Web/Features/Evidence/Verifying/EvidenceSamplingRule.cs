using System.Security.Cryptography;
using System.Text;

namespace AssessmentEngine.Web.Features.Evidence.Verifying;

/// <summary>
/// The centre's sampling rule (Marking's SamplingRule, for attempts) as it reads for evidence: every judgement with a
/// criterion not yet met (the evidence's "not yet competent"), and of each assessor's other judgements at the centre on the
/// unit a tenth, at least one. Evidence has no marks, so nothing is "near the pass mark".
/// </summary>
public static class EvidenceSamplingRule
{
    // The attempts' one in ten, not read from Marking: Marking's verification page lists evidence, so Evidence does not use Marking.
    public const int OneIn = 10;

    public const string NotEveryCriterionMet = "not every criterion met";

    /// <summary>Why this judgement is sampled as it is recorded, or null. <paramref name="assessorsOthersSampled"/>: how many of that assessor's other judgements the rule sampled.</summary>
    public static string? Reason(EvidenceJudged judged, int assessorsOthersSampled)
    {
        if (judged.Criteria.Any(c => !c.Met))
        {
            return NotEveryCriterionMet;
        }

        // Drawn from the version's identity, as the attempts' draw is from the attempt's: random across judgements, the same if made again.
        var draw = SHA256.HashData(Encoding.UTF8.GetBytes($"{judged.SubmissionId}:{judged.Version}"))[0] % OneIn;
        return assessorsOthersSampled == 0 || draw == 0 ? OtherJudgements(judged.Actor) : null;
    }

    /// <summary>Whether a version is one of <paramref name="assessor"/>'s "other" judgements: all criteria met.</summary>
    public static bool IsOther(SubmittedVersion version, string assessor) =>
        version.Judgement is { } judged && string.Equals(judged.Actor, assessor, StringComparison.OrdinalIgnoreCase) && judged.Criteria.All(c => c.Met);

    /// <summary>Whether the rule drew this version as one of its assessor's other judgements.</summary>
    public static bool DrawnAsOther(SubmittedVersion version) =>
        version is { Judgement: { } judged, Sampled: { } sampled } && sampled.Reason == OtherJudgements(judged.Actor);

    private static string OtherJudgements(string assessor) => $"one in {OneIn} of {assessor}'s other judgements";
}
