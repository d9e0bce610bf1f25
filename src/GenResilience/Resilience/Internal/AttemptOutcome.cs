namespace GenResilience.Resilience.Internal;

/// <summary>
/// What the last attempt of a request came to, exceptions included; the retry strategies read it.
/// </summary>
internal enum AttemptOutcome
{
    None = 0,
    Success,
    ServerError,
    NetworkError,
    AttemptTimeout,
    RateLimited,
    KeyRejected,
    Failure,
    Canceled,
}

/// <summary>Why the retry strategy retries an attempt (<see cref="GenerationPipeline.Decide"/>).</summary>
internal enum RetryReason
{
    None = 0,
    ServerError,
    RateLimited,
    KeyRejected,
}
