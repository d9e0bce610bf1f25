namespace GenResilience.Resilience.Internal;

/// <summary>
/// Everything the pipeline learns about one request across its attempts. Kept in the Polly context and in the
/// request's options, so <see cref="GenerationException.FromResponseAsync(HttpResponseMessage, CancellationToken)"/>
/// can report attempts after the fact.
/// </summary>
internal sealed class RequestState
{
    public static readonly HttpRequestOptionsKey<RequestState> Key = new("GenResilience.RequestState");

    public RequestState(GenerationClientContext client, GenerationResilienceOptions options, string? operation, DateTimeOffset? deadline, TimeSpan? totalTimeout)
    {
        Client = client;
        Options = options;
        Operation = operation;
        Deadline = deadline;
        TotalTimeout = totalTimeout;
        Target = string.IsNullOrEmpty(operation) ? client.Provider : client.Provider + " " + operation;
    }

    public GenerationClientContext Client { get; }

    /// <summary>Gets the request the pipeline runs for (a key check sends its own message through the pipeline's lower half).</summary>
    public HttpRequestMessage? Message { get; init; }

    /// <summary>Gets or sets a value indicating whether a failure that may have reached the service may be retried (decided at the start).</summary>
    public bool RetryAmbiguous { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether this is a probe: one attempt, no retry of any kind.</summary>
    public bool IsProbe { get; set; }

    /// <summary>Gets or sets the key a probe must use, whatever its state.</summary>
    public string? ProbeApiKey { get; set; }

    /// <summary>Gets or sets the request's method, for messages.</summary>
    public string Method { get; set; } = "request";

    /// <summary>The options in force when the request started; one request sees one set of options.</summary>
    public GenerationResilienceOptions Options { get; }

    public string Provider => Client.Provider;

    public string? Operation { get; }

    /// <summary>Gets the name in log lines: <c>Bytez image</c>, or the provider alone.</summary>
    public string Target { get; }

    public DateTimeOffset? Deadline { get; }

    public TimeSpan? TotalTimeout { get; }

    public int Attempts { get; set; }

    public int? LastStatusCode { get; set; }

    public AttemptOutcome LastOutcome { get; set; }

    /// <summary>Gets or sets how many 429s this request retried; <see cref="GenerationResilienceOptions.MaxRateLimitRetries"/> bounds it.</summary>
    public int RateLimitRetries { get; set; }

    /// <summary>Gets or sets how many server errors, network errors and attempt timeouts this request retried.</summary>
    public int ServerErrorRetries { get; set; }

    /// <summary>Gets or sets how many rejected keys were replaced since the request's last retry of another kind.</summary>
    public int KeyRotations { get; set; }

    /// <summary>Gets or sets why the retry strategy retries the last attempt, between its decision and the retry.</summary>
    public RetryReason PendingRetry { get; set; }

    /// <summary>Gets or sets the last key rejection this request met, to tell a bad key from a refused request.</summary>
    public Keys.Internal.KeyRejection? LastKeyRejection { get; set; }

    /// <summary>Gets or sets how many keys refused this request with the same status (2 when rotation stopped for it).</summary>
    public int RejectedByKeys { get; set; }

    /// <summary>Gets or sets a value indicating whether the last failure may have reached the origin (a paid job may have started).</summary>
    public bool MayHaveReachedOrigin { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether this request can start paid work: not idempotent, not a probe, and not
    /// marked safe to repeat with <c>SetRetryAfterAmbiguousFailure(true)</c> (decided at the start).
    /// </summary>
    public bool StartsWork { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether some attempt of a request that <see cref="StartsWork"/> may have reached
    /// the service (or was cut short after it was sent), so a paid job may have started; once set it stays set.
    /// </summary>
    public bool MayHaveStartedWork { get; set; }

    /// <summary>Gets or sets a value indicating whether a retryable failure was not retried because it was ambiguous and the request is not idempotent.</summary>
    public bool NotRetriedAsAmbiguous { get; set; }

    /// <summary>Gets or sets the request's activity; <see langword="null"/> unless someone traces (see <see cref="Diagnostics.Internal.GenerationActivities"/>).</summary>
    public System.Diagnostics.Activity? Activity { get; set; }
}
