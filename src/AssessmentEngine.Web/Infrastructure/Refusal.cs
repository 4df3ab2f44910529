namespace AssessmentEngine.Web.Infrastructure;

/// <summary>Why something was refused, in the domain's terms; each surface (API, hub, page) decides how to show it.</summary>
public enum RefusalKind
{
    /// <summary>The request itself is wrong: a missing reason, a mark out of range, a malformed body.</summary>
    Invalid,

    /// <summary>The state does not allow it now: the test has not started, the window has closed.</summary>
    Conflict,

    /// <summary>There is no such thing, or none the caller may see.</summary>
    NotFound,

    /// <summary>The caller may see it but not do this to it.</summary>
    Forbidden,

    /// <summary>Too many of these too quickly: wait and try again.</summary>
    TooMany,

    /// <summary>Too much at once: send less.</summary>
    TooLarge,

    /// <summary>Another test page (a reload, another tab or computer) has taken over the attempt.</summary>
    Superseded,
}

/// <summary>A refusal a person can act on: the message says what to do; nothing was written.</summary>
public sealed class RefusedException(RefusalKind kind, string message) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;
}

/// <summary>The one place a refusal's kind becomes an HTTP status.</summary>
public static class Refusals
{
    public static int Status(this RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.TooMany => StatusCodes.Status429TooManyRequests,
        RefusalKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RefusalKind.Conflict or RefusalKind.Superseded => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A refusal kind without a status."),
    };
}
