using System.Diagnostics;
using GenResilience.Resilience.Internal;
using Polly;
using Polly.Timeout;

namespace GenResilience.Diagnostics.Internal;

/// <summary>
/// The <c>GenResilience</c> activity source: one activity per request through the pipeline, all its attempts and
/// waits included, with an event for each retry, key rotation and rate-limit wait.
/// </summary>
/// <remarks>
/// The pipeline calls these only with an activity in hand, and starts one only when a listener wants it, so a process
/// that does not trace pays one <see cref="ActivitySource.HasListeners"/> check per request and allocates nothing.
/// </remarks>
internal static class GenerationActivities
{
    public const string SourceName = "GenResilience";
    public const string ActivityName = "GenResilience.Request";

    public const string ProviderTag = GenerationMetrics.ProviderTag;
    public const string OperationTag = GenerationMetrics.OperationTag;
    public const string ModelTag = "genresilience.model";
    public const string AttemptsTag = "genresilience.attempts";
    public const string OutcomeTag = GenerationMetrics.OutcomeTag;
    public const string ErrorTypeTag = GenerationMetrics.ErrorTypeTag;
    public const string MethodTag = "http.request.method";
    public const string StatusCodeTag = "http.response.status_code";

    public const string RetryEvent = "genresilience.retry";
    public const string KeyRotationEvent = "genresilience.key_rotation";
    public const string RateLimitWaitEvent = "genresilience.rate_limit_wait";

    public const string AttemptTag = "genresilience.attempt";
    public const string ReasonTag = GenerationMetrics.ReasonTag;
    public const string DelayTag = "genresilience.delay";
    public const string KeyTag = "genresilience.key";
    public const string CooldownTag = "genresilience.cooldown";
    public const string WaitTag = "genresilience.wait";

    public static ActivitySource Source { get; } = new(SourceName, typeof(GenerationActivities).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts the activity of one request when anyone listens; <see langword="null"/> otherwise, at no cost.</summary>
    public static Activity? Start(RequestState state, HttpRequestMessage? request)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity(ActivityName, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        activity.DisplayName = state.Target;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ProviderTag, state.Provider);
            if (state.Operation is not null)
            {
                activity.SetTag(OperationTag, state.Operation);
            }

            if (request is not null)
            {
                activity.SetTag(MethodTag, request.Method.Method);
                if (GenerationRequestSettings.Of(request)?.Model is { } model)
                {
                    activity.SetTag(ModelTag, model);
                }
            }
        }

        return activity;
    }

    /// <summary>Records how the request ended and stops its activity.</summary>
    public static void Stop(Activity activity, RequestState state, Outcome<HttpResponseMessage> outcome)
    {
        string outcomeName = OutcomeName(state, outcome);
        string? errorType = ErrorType(state, outcome);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(AttemptsTag, state.Attempts);
            activity.SetTag(OutcomeTag, outcomeName);
            if (state.LastStatusCode is { } status)
            {
                activity.SetTag(StatusCodeTag, status);
            }

            if (errorType is not null)
            {
                activity.SetTag(ErrorTypeTag, errorType);
            }
        }

        if (errorType is not null)
        {
            // A GenerationException's message names no key; any other exception is described by its type alone.
            activity.SetStatus(ActivityStatusCode.Error, outcome.Exception is GenerationException e ? e.Message : errorType);
        }

        activity.Stop();
    }

    /// <summary>
    /// How the request ended: the last attempt's outcome as the attempts metric names it (<c>success</c>,
    /// <c>server_error</c>, <c>rate_limited</c>, ...), <c>timeout</c> when a total timeout ended it, and
    /// <c>failure</c> when no attempt was sent.
    /// </summary>
    public static string OutcomeName(RequestState state, Outcome<HttpResponseMessage> outcome)
        => outcome.Exception is GenerationException { Kind: GenerationErrorKind.Timeout } ? "timeout"
            : state.LastOutcome == AttemptOutcome.None ? KeyAcquisitionStrategy.MetricName(AttemptOutcome.Failure)
            : KeyAcquisitionStrategy.MetricName(state.LastOutcome);

    /// <summary>
    /// What went wrong, <see langword="null"/> on success: the <see cref="GenerationErrorKind"/> of a
    /// <see cref="GenerationException"/> or of a final failed response (as the client's classifier names its status),
    /// else the exception's type, as OpenTelemetry's <c>error.type</c> asks.
    /// </summary>
    public static string? ErrorType(RequestState state, Outcome<HttpResponseMessage> outcome)
    {
        switch (outcome.Exception)
        {
            case GenerationException generation:
                return generation.Kind.ToString();
            case TimeoutRejectedException:
                return nameof(GenerationErrorKind.Timeout);
            case { } exception:
                return exception.GetType().FullName;
        }

        if (state.LastOutcome is AttemptOutcome.Success || outcome.Result is not { } response)
        {
            return null;
        }

        try
        {
            return state.Options.Classifier.GetErrorKind((int)response.StatusCode, errorText: null).ToString();
        }
#pragma warning disable CA1031 // A custom classifier that throws must not break the request for the sake of a tag.
        catch (Exception)
#pragma warning restore CA1031
        {
            return nameof(GenerationErrorKind.Unknown);
        }
    }

    /// <summary>Attempt number <paramref name="attempt"/> failed for <paramref name="reason"/>: the next one goes after <paramref name="delay"/>.</summary>
    public static void Retry(Activity activity, int attempt, string reason, TimeSpan delay)
        => activity.AddEvent(new ActivityEvent(RetryEvent, tags: new ActivityTagsCollection
        {
            [AttemptTag] = attempt,
            [ReasonTag] = reason,
            [DelayTag] = delay.TotalSeconds,
        }));

    /// <summary>A key was taken out of use: rejected (<paramref name="statusCode"/>) or cooling down after a 429.</summary>
    public static void KeyRotation(Activity activity, string keyFingerprint, string reason, int? statusCode, TimeSpan cooldown)
    {
        var tags = new ActivityTagsCollection
        {
            [KeyTag] = keyFingerprint,
            [ReasonTag] = reason,
            [CooldownTag] = cooldown.TotalSeconds,
        };
        if (statusCode is { } status)
        {
            tags[StatusCodeTag] = status;
        }

        activity.AddEvent(new ActivityEvent(KeyRotationEvent, tags: tags));
    }

    /// <summary>The request waited <paramref name="wait"/> for a key: its 429 cooldown (<c>cooldown</c>) or its pace (<c>pace</c>).</summary>
    public static void RateLimitWait(Activity activity, string keyFingerprint, string reason, TimeSpan wait)
        => activity.AddEvent(new ActivityEvent(RateLimitWaitEvent, tags: new ActivityTagsCollection
        {
            [KeyTag] = keyFingerprint,
            [ReasonTag] = reason,
            [WaitTag] = wait.TotalSeconds,
        }));
}
