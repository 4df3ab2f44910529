using AssessmentEngine.Web.Features.Attempts.Answering;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssessmentEngine.Web.Features.Attempts;

public sealed record SubmitRequest(string Page);

public sealed record SubmitReceipt(Guid AttemptId, DateTimeOffset SubmittedAt, string Reason, string Receipt);

/// <summary>
/// The candidate's test over HTTP: open, save, submit, and the clock. Plain HTTP rather than the hub, because each save
/// needs a definite answer tied to it (the page clears its outbox only on an acknowledgement), it passes every proxy, and
/// a retry is just the same request again; SignalR carries the invigilators' live view instead.
/// </summary>
public static class AttemptsApi
{
    public static WebApplication MapAttemptsApi(this WebApplication app)
    {
        var attempts = app.MapGroup("/api/attempts/{attemptId:guid}")
            .RequireAuthorization(Policies.Candidate)
            .AddEndpointFilter<AntiforgeryOnChanges>()
            .AddEndpointFilter<RefusalsAsProblems>();
        attempts.MapGet("/clock", ClockAsync);
        attempts.MapPost("/open", OpenAsync);
        attempts.MapPost("/answers", SaveAsync);
        attempts.MapPost("/submit", SubmitAsync);
        return app;
    }

    private static async Task<Ok<Clock>> ClockAsync(Guid attemptId, HttpContext http, IQuerySession session, TimeProvider time)
    {
        var attempt = await session.OwnAttemptAsync(http.User, attemptId, http.RequestAborted);
        return TypedResults.Ok(Answering.Answering.ClockOf(attempt, time.GetUtcNow()));
    }

    private static async Task<Ok<OpenedAttempt>> OpenAsync(Guid attemptId, SubmitRequest request, HttpContext http, IQuerySession session, Answering.Answering answering)
    {
        var attempt = await session.OwnAttemptAsync(http.User, attemptId, http.RequestAborted);
        var unit = await session.LoadAsync<BankUnit>(attempt.UnitCode, http.RequestAborted);
        var title = unit?.Blueprints.FirstOrDefault(b => b.Id == attempt.TestId)?.Title ?? attempt.UnitCode;
        return TypedResults.Ok(await answering.OpenAsync(attempt, request.Page, http.User.Actor(), title, http.RequestAborted));
    }

    /// <summary>The page's most frequent call: the attempt is read once, for writing (see <see cref="Answering.Answering.SaveAsync"/>).</summary>
    private static async Task<Ok<SaveResult>> SaveAsync(Guid attemptId, HttpContext http, CandidateIds candidates, Answering.Answering answering,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var candidateId = await candidates.OfAsync(http.User, http.RequestAborted);
        var request = await BoundedBodyAsync<SaveRequest>(http, AnswerLimits.RequestBytes, json.Value.SerializerOptions);
        return TypedResults.Ok(await answering.SaveAsync(attemptId, candidateId, request, http.RequestAborted));
    }

    private static async Task<Ok<SubmitReceipt>> SubmitAsync(Guid attemptId, SubmitRequest request, HttpContext http, IQuerySession session, SubmitAttempt submit)
    {
        var attempt = await session.OwnAttemptAsync(http.User, attemptId, http.RequestAborted);
        if (attempt.InProgress && attempt.Page != request.Page)
        {
            throw AttemptDecisions.PageSuperseded();
        }

        var submitted = await submit.HandleAsync(attempt, http.User.Actor(), http.RequestAborted);
        return TypedResults.Ok(new SubmitReceipt(submitted.Id, submitted.SubmittedAt!.Value, submitted.SubmissionReason!, submitted.ResponsesHash!));
    }

    /// <summary>
    /// Reads a JSON body of at most <paramref name="limit"/> bytes, whatever the server in front enforces: a larger one is
    /// refused (413) having read no more than the limit, a malformed one is refused (400).
    /// </summary>
    private static async Task<T> BoundedBodyAsync<T>(HttpContext http, long limit, System.Text.Json.JsonSerializerOptions options)
    {
        var tooLarge = new RefusedException(RefusalKind.TooLarge, $"Send at most {limit / 1024:N0} KB of changes at a time.");
        if (http.Request.ContentLength > limit)
        {
            throw tooLarge;
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            if (body.Length + read > limit)
            {
                throw tooLarge;
            }

            await body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(body.GetBuffer().AsSpan(0, (int)body.Length), options)
                ?? throw new RefusedException(RefusalKind.Invalid, "The request had no changes.");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new RefusedException(RefusalKind.Invalid, "The changes could not be read.");
        }
    }
}
