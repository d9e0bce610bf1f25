namespace GenResilience;

/// <summary>
/// What one HTTP attempt means to the pipeline; every retry strategy acts on this one answer.
/// </summary>
public enum GenerationOutcomeKind
{
    /// <summary>The attempt succeeded.</summary>
    Success = 0,

    /// <summary>The service failed in a way that may pass (5xx, 522/523): retry after <see cref="GenerationResilienceOptions.RetryDelays"/>.</summary>
    ServerError,

    /// <summary>The service is rate limiting this key: cool the key down and retry with another key or after the cooldown.</summary>
    RateLimited,

    /// <summary>The service rejected this key: quarantine it and retry at once with the next key.</summary>
    KeyRejected,

    /// <summary>A final failure: retrying the same request will not help.</summary>
    Failure,
}
