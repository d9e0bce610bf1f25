using GenResilience.Resilience.Internal;

namespace GenResilience;

/// <summary>
/// Per-request settings of the GenResilience pipeline, carried in <see cref="HttpRequestMessage.Options"/>
/// (all of them under one key, <c>GenResilience.Settings</c>).
/// </summary>
public static class GenerationHttpRequestMessageExtensions
{
    /// <summary>
    /// Names the operation (<c>image</c>, <c>video</c>, ...) for log lines (<c>Bytez image: server error 522, ...</c>)
    /// and for <see cref="GenerationException.Operation"/>.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="operation">A short name.</param>
    public static void SetOperationName(this HttpRequestMessage request, string operation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        Update(request, Settings(request) with { Operation = operation });
    }

    /// <summary>
    /// Overrides <see cref="GenerationResilienceOptions.AttemptTimeout"/> for this request, for example 180 s for a video
    /// on a client whose image calls take 90 s.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="timeout">The timeout of each attempt; more than zero.</param>
    public static void SetAttemptTimeout(this HttpRequestMessage request, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Update(request, Settings(request) with { AttemptTimeout = timeout });
    }

    /// <summary>
    /// Overrides <see cref="GenerationResilienceOptions.TotalTimeout"/> for this request.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="timeout">The timeout of the whole operation, waits included; more than zero.</param>
    public static void SetTotalTimeout(this HttpRequestMessage request, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Update(request, Settings(request) with { TotalTimeout = timeout });
    }

    /// <summary>
    /// Builds the request's content from <paramref name="contentFactory"/> for the first attempt and again for every
    /// retry, so a body whose stream cannot be rewound (an upload read from a network stream, say) is re-opened
    /// instead of buffered. The pipeline disposes each content it replaces.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="contentFactory">Creates a fresh content, for example a <see cref="MultipartFormDataContent"/> over a newly opened file.</param>
    public static void SetContentFactory(this HttpRequestMessage request, Func<HttpContent> contentFactory)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(contentFactory);
        Update(request, Settings(request) with { ContentFactory = contentFactory });
        request.Content = contentFactory();
    }

    /// <summary>
    /// Decides for this request whether it is retried after a failure that may have reached the service (an attempt
    /// timeout, a 500/502/503/504/524, a connection lost after sending), overriding
    /// <see cref="GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure"/> and the method's idempotency:
    /// <see langword="true"/> for a call that is safe to repeat (a poll, a read, a create the provider de-duplicates),
    /// <see langword="false"/> for one that must not start twice. Failures that prove the request never reached the
    /// service are retried either way.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="retry">Whether an ambiguous failure may be retried.</param>
    public static void SetRetryAfterAmbiguousFailure(this HttpRequestMessage request, bool retry)
    {
        ArgumentNullException.ThrowIfNull(request);
        Update(request, Settings(request) with { RetryAfterAmbiguousFailure = retry });
    }

    /// <summary>
    /// Marks a probe: sent once, with no retry of any kind, so it reports what the service says now. With
    /// <paramref name="apiKey"/>, it goes out with that key, quarantined or not, outside the key's line.
    /// </summary>
    internal static void SetProbe(this HttpRequestMessage request, string? apiKey = null)
    {
        GenerationRequestSettings settings = Settings(request) with { Probe = true };
        Update(request, apiKey is null ? settings : settings with { ProbeApiKey = apiKey });
    }

    /// <summary>
    /// Before a retry after a failure that may have reached the service, <paramref name="guard"/> looks for the work
    /// the failed attempt may have started (a job with this request's reference); a response it returns is the
    /// request's answer and nothing is sent again. One job, one charge, even through an outage.
    /// </summary>
    internal static void SetAmbiguousRetryGuard(this HttpRequestMessage request, Func<CancellationToken, Task<HttpResponseMessage?>> guard)
        => Update(request, Settings(request) with { AmbiguousRetryGuard = guard });

    /// <summary>
    /// Names the model the request runs, for the request's activity (<c>genresilience.model</c>). Only while someone
    /// traces: otherwise the name would cost the request's settings a copy for nothing.
    /// </summary>
    internal static void SetModelForTracing(this HttpRequestMessage request, string? model)
    {
        if (model is not null && Diagnostics.Internal.GenerationActivities.Source.HasListeners())
        {
            Update(request, Settings(request) with { Model = model });
        }
    }

    private static GenerationRequestSettings Settings(HttpRequestMessage request)
        => GenerationRequestSettings.Of(request) ?? GenerationRequestSettings.Empty;

    private static void Update(HttpRequestMessage request, GenerationRequestSettings settings)
        => GenerationRequestSettings.Set(request, settings);
}
