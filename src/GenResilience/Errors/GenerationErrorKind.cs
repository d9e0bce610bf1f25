namespace GenResilience;

/// <summary>
/// What went wrong with a generation call, in terms a caller can act on.
/// </summary>
public enum GenerationErrorKind
{
    /// <summary>The failure does not fit any other kind.</summary>
    Unknown = 0,

    /// <summary>The service rejected the API key (401, or the provider's equivalent), or every configured key has been rejected.</summary>
    Unauthorized,

    /// <summary>The service is rate limiting the caller (429) and asked it to come back later.</summary>
    RateLimited,

    /// <summary>An attempt or the whole operation took longer than its timeout.</summary>
    Timeout,

    /// <summary>The service failed (5xx, Cloudflare 522/523, network errors) and retries did not help.</summary>
    ServiceUnavailable,

    /// <summary>The service rejected the request itself (400, 404, 409, 412, 413, 422, ...); retrying the same request will not help.</summary>
    InvalidRequest,

    /// <summary>The requested model does not exist or is not available.</summary>
    ModelNotFound,

    /// <summary>The account behind the key has run out of credits (402).</summary>
    InsufficientCredits,

    /// <summary>No provider account (for example a UseAPI e-mail) can take the request now.</summary>
    NoAccountAvailable,

    /// <summary>The provider refused the content (moderation).</summary>
    ContentRejected,

    /// <summary>The provider accepted the job but it failed.</summary>
    JobFailed,

    /// <summary>The job or its result is no longer known to the provider.</summary>
    JobExpired,
}
