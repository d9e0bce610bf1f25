using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace GenResilience.Samples.WebApi;

/// <summary>
/// Turns a <see cref="GenerationException"/> into problem details (RFC 9457): the HTTP status its <c>Kind</c> means
/// for the caller of this API, <c>kind</c> and <c>userMessage</c> (safe to show), the provider's request id, the
/// field errors, and <c>Retry-After</c> when the provider said when to come back. The developer's <c>Message</c> goes
/// to the log only.
/// </summary>
internal sealed partial class GenerationProblems(IProblemDetailsService problemDetails, ILogger<GenerationProblems> logger) : IExceptionHandler
{
    /// <summary>
    /// The status for this API's caller. Failures of the provider's side (its outage, our keys, our credits, our
    /// accounts) are 503: the caller can do nothing but come back later, and a 401 or 402 would wrongly say that
    /// the caller's own credentials or payment were refused.
    /// </summary>
    public static int StatusFor(GenerationErrorKind kind) => kind switch
    {
        GenerationErrorKind.InvalidRequest => StatusCodes.Status400BadRequest,
        GenerationErrorKind.ModelNotFound or GenerationErrorKind.ContentRejected => StatusCodes.Status422UnprocessableEntity,
        GenerationErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        GenerationErrorKind.JobExpired => StatusCodes.Status410Gone,
        GenerationErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        GenerationErrorKind.ServiceUnavailable or GenerationErrorKind.Unauthorized or GenerationErrorKind.InsufficientCredits
            or GenerationErrorKind.NoAccountAvailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status502BadGateway, // JobFailed, Unknown: the provider failed in a way we cannot name better
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not GenerationException error)
        {
            return false;
        }

        LogFailure(logger, error.Provider, error.Kind, error.Message);
        int status = StatusFor(error.Kind);
        httpContext.Response.StatusCode = status;
        if (error.RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = status,
            Detail = error.UserMessage,
            Extensions =
            {
                ["kind"] = error.Kind.ToString(),
                ["userMessage"] = error.UserMessage,
                ["provider"] = error.Provider,
            },
        };
        if (error.RequestId is { } requestId)
        {
            problem.Extensions["requestId"] = requestId;
        }

        if (error.ValidationErrors.Count > 0)
        {
            problem.Extensions["errors"] = error.ValidationErrors
                .GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Provider} call failed ({Kind}): {Details}")]
    private static partial void LogFailure(ILogger logger, string provider, GenerationErrorKind kind, string details);
}
