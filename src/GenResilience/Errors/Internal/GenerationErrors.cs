using System.Globalization;
using GenResilience.Diagnostics.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience.Errors.Internal;

/// <summary>
/// The exceptions the pipeline raises itself, each naming the setting to change.
/// </summary>
internal static class GenerationErrors
{
    public static GenerationException AllKeysRejected(RequestState request, int keyCount, string keysSetting)
    {
        string which = keyCount == 1 ? "The only API key was" : string.Create(CultureInfo.InvariantCulture, $"All {keyCount} API keys were");
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Target}: {which} rejected by the service and {(keyCount == 1 ? "is" : "are")} quarantined, so the request {Sent(request.Attempts)}. " +
            $"Fix {keysSetting}; a rejected key is tried again after {Setting(request, "RejectedKeyCooldown")} ({Durations.Format(request.Options.RejectedKeyCooldown)}) or when the options change.");
        // Bytez answers 402 for a key whose credits are spent: that is what the user needs to hear.
        GenerationErrorKind kind = request.LastStatusCode == 402 ? GenerationErrorKind.InsufficientCredits : GenerationErrorKind.Unauthorized;
        return new GenerationException(kind, request.Provider, message)
        {
            Operation = request.Operation,
            StatusCode = request.LastStatusCode,
            Attempts = request.Attempts,
            MayHaveStartedWork = request.MayHaveStartedWork,
        };
    }

    /// <summary>What became of a request stopped for want of a key: never sent, or not sent again after its rejected attempts.</summary>
    private static string Sent(int attempts) => attempts switch
    {
        0 => "was not sent",
        1 => "was not sent again after its one rejected attempt",
        _ => string.Create(CultureInfo.InvariantCulture, $"was not sent again after {attempts} rejected attempts"),
    };

    public static GenerationException RateLimitWaitTooLong(RequestState request, TimeSpan wait, TimeSpan remaining)
    {
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Target}: rate limited. Every usable API key is cooling down for another {Durations.Format(wait)}, longer than the " +
            $"{Durations.Format(remaining)} left of the total timeout, so the request failed at once; try again in {Durations.Format(wait)}. " +
            $"The wait is capped by {Setting(request, "MaxRetryAfter")}; the total timeout is {Setting(request, "TotalTimeout")} or the request's own.");
        return new GenerationException(GenerationErrorKind.RateLimited, request.Provider, message)
        {
            Operation = request.Operation,
            StatusCode = request.LastStatusCode,
            Attempts = request.Attempts,
            MayHaveStartedWork = request.MayHaveStartedWork,
            RetryAfter = wait,
        };
    }

    public static GenerationException TimedOut(RequestState request, Polly.Timeout.TimeoutRejectedException inner)
    {
        bool eachAttempt = request.TotalTimeout is not { } total || inner.Timeout != total;
        string what = eachAttempt
            ? string.Create(CultureInfo.InvariantCulture, $"the last attempt took longer than the attempt timeout after {request.Attempts} {(request.Attempts == 1 ? "attempt" : "attempts")}")
            : string.Create(CultureInfo.InvariantCulture, $"the total timeout of {Durations.Format(request.TotalTimeout ?? TimeSpan.Zero)} passed after {request.Attempts} {(request.Attempts == 1 ? "attempt" : "attempts")}");
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Target} timed out: {what}.{NotRetriedNote(request)} Timeouts can be adjusted in {Setting(request, "AttemptTimeout")} and {Setting(request, "TotalTimeout")}, or per request.");
        return new GenerationException(GenerationErrorKind.Timeout, request.Provider, message, inner)
        {
            Operation = request.Operation,
            StatusCode = request.LastStatusCode,
            Attempts = request.Attempts,
            MayHaveStartedWork = request.MayHaveStartedWork,
        };
    }

    public static GenerationException BodyTimedOut(RequestState request, Exception inner)
    {
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Target} timed out: the response body did not arrive within the total timeout of {Durations.Format(request.TotalTimeout ?? TimeSpan.Zero)} " +
            $"(the headers did). Timeouts can be adjusted in {Setting(request, "TotalTimeout")}, or per request with SetTotalTimeout.");
        return new GenerationException(GenerationErrorKind.Timeout, request.Provider, message, inner)
        {
            Operation = request.Operation,
            StatusCode = request.LastStatusCode,
            Attempts = request.Attempts,
            MayHaveStartedWork = request.MayHaveStartedWork,
        };
    }

    public static GenerationException ConnectTimedOut(RequestState request, Exception inner)
    {
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Target}: could not connect to the service within the connect timeout ({Durations.Format(request.Options.ConnectTimeout)}) after {request.Attempts} {(request.Attempts == 1 ? "attempt" : "attempts")}. " +
            $"The service may be down or unreachable from here. The connect timeout is {Setting(request, "ConnectTimeout")}; retries are set by {Setting(request, "RetryDelays")}.");
        return new GenerationException(GenerationErrorKind.ServiceUnavailable, request.Provider, message, inner)
        {
            Operation = request.Operation,
            Attempts = request.Attempts,
            MayHaveStartedWork = request.MayHaveStartedWork,
        };
    }

    public static GenerationException BodyNotReplayable(RequestState request, Exception inner)
    {
        string message = string.Create(CultureInfo.InvariantCulture, $"{request.Target}: attempt {request.Attempts} could not be sent because the request body is a stream that cannot be rewound, ")
            + "and the previous attempt already read it. Send a seekable stream (a FileStream or MemoryStream), a byte array, "
            + "or build the content per attempt with request.SetContentFactory(...).";
        return new GenerationException(GenerationErrorKind.InvalidRequest, request.Provider, message, inner)
        {
            Operation = request.Operation,
            StatusCode = request.LastStatusCode,
            Attempts = request.Attempts - 1,
            MayHaveStartedWork = request.MayHaveStartedWork,
        };
    }

    /// <summary>The sentence that tells a developer which setting to change for this kind of failure.</summary>
    public static string HintFor(GenerationErrorKind kind, RequestState? request) => NotRetriedNote(request) + RefusedByKeysNote(request) + (kind switch
    {
        GenerationErrorKind.ServiceUnavailable => $" Retry settings can be adjusted in {Setting(request, "RetryDelays")} and {Setting(request, "RetryStatusCodes")}.",
        GenerationErrorKind.RateLimited => $" Rate-limit retries are set by {Setting(request, "MaxRateLimitRetries")}, {Setting(request, "MaxRetryAfter")} and {Setting(request, "RateLimitDelay")}.",
        GenerationErrorKind.Unauthorized => $" Check the API keys in {request?.Client.KeysSetting ?? "GenerationResilienceOptions.ApiKeys"}.",
        GenerationErrorKind.Timeout => $" Timeouts can be adjusted in {Setting(request, "AttemptTimeout")} and {Setting(request, "TotalTimeout")}.",
        GenerationErrorKind.InsufficientCredits => " Add credits to the provider account behind the API key.",
        _ => string.Empty,
    });

    /// <summary>Why a retryable failure was not retried: it may have reached the service, and the request may not be repeated.</summary>
    public static string NotRetriedNote(RequestState? request)
        => request is { NotRetriedAsAmbiguous: true }
            ? $" It was not retried: the request may have reached the service (a paid job may have started), and {request.Method} requests are not repeated after such a failure; " +
              $"set {Setting(request, nameof(GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure))} or request.SetRetryAfterAmbiguousFailure(true) to allow it."
            : string.Empty;

    private static string RefusedByKeysNote(RequestState? request)
        => request is { RejectedByKeys: >= 2 }
            ? string.Create(CultureInfo.InvariantCulture, $" {request.RejectedByKeys} API keys refused this request with the same status, so the refusal is about the request (a model or feature the account may not use), not the keys: no key was taken out of use.")
            : string.Empty;

    private static string Setting(RequestState? request, string property)
        => string.Format(CultureInfo.InvariantCulture, request?.Client.SettingFormat ?? "GenerationResilienceOptions.{0}", property);
}
