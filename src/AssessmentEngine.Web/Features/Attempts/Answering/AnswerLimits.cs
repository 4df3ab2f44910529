namespace AssessmentEngine.Web.Features.Attempts.Answering;

/// <summary>
/// What one attempt may send and store, so that a candidate cannot fill the disk: a genuine test stays far inside them
/// (the page sends a change when an answer changes, at most a few a second, and each answer holds at most
/// <see cref="Paper.MaxTextLength"/> characters).
/// </summary>
public static class AnswerLimits
{
    /// <summary>One request's body; the page sends a larger batch one change at a time.</summary>
    public const long RequestBytes = 1024 * 1024;

    /// <summary>Changes written for one attempt in one minute; more are refused (429) and the page sends them shortly after.</summary>
    public const int ChangesPerMinute = 300;

    /// <summary>Characters of answer text written for one attempt over the whole test, counting every saved version.</summary>
    public const long StoredTextCharacters = 20_000_000;
}
