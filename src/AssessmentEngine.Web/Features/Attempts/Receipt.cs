using System.Security.Cryptography;
using System.Text;

namespace AssessmentEngine.Web.Features.Attempts;

/// <summary>The short hash of an attempt's final responses that the candidate notes down from their receipt.</summary>
public static class Receipt
{
    /// <summary>SHA-256 over the responses in form order, shown as three groups of four hex digits (e.g. 3F9A-C2B1-07DE).</summary>
    public static string Hash(Attempt attempt)
    {
        var text = new StringBuilder();
        foreach (var item in attempt.Form!.Items)
        {
            text.Append(item.ItemId).Append('\u001f');
            if (attempt.Answers.TryGetValue(item.ItemId, out var answer))
            {
                var r = answer.Response;
                text.Append(r.Choice).Append('\u001f')
                    .AppendJoin(',', (r.Choices ?? []).Order(StringComparer.Ordinal)).Append('\u001f')
                    .AppendJoin(',', (r.Matches ?? new Dictionary<string, string>()).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"))
                    .Append('\u001f').Append(r.Text);
            }

            text.Append('\u001e');
        }

        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return $"{hex[..4]}-{hex[4..8]}-{hex[8..12]}";
    }
}
