namespace GenResilience.AI.Failover.Internal;

/// <summary>Which failures move a call to the next target, and which of those count against the target's health.</summary>
internal static class FailoverRules
{
    /// <summary>
    /// Everything but a failure about the request itself (<see cref="GenerationErrorKind.InvalidRequest"/>,
    /// <see cref="GenerationErrorKind.ContentRejected"/>), which every other target would refuse too.
    /// <see cref="GenerationErrorKind.ModelNotFound"/> moves on: the next target runs another model, or the same one
    /// at another provider. <see cref="GenerationErrorKind.JobFailed"/> moves on: the provider accepted the request and
    /// its job failed there, with nothing left running; <see cref="GenerationErrorKind.Unknown"/> (an answer that could
    /// not be read) does too.
    /// </summary>
    public static bool MovesOn(GenerationErrorKind kind) => kind is not (GenerationErrorKind.InvalidRequest or GenerationErrorKind.ContentRejected);

    /// <summary>
    /// A failure that moves a call on also counts against the target, except a model it does not have: that is about
    /// the model asked for (perhaps the caller's <c>ModelId</c>), not the target's health.
    /// </summary>
    public static bool CountsAgainstTarget(GenerationErrorKind kind) => MovesOn(kind) && kind != GenerationErrorKind.ModelNotFound;

    /// <summary>The kind as a metric tag value: <c>service_unavailable</c>, <c>rate_limited</c>, ...</summary>
    public static string TagValue(GenerationErrorKind kind) => kind switch
    {
        GenerationErrorKind.Unauthorized => "unauthorized",
        GenerationErrorKind.RateLimited => "rate_limited",
        GenerationErrorKind.Timeout => "timeout",
        GenerationErrorKind.ServiceUnavailable => "service_unavailable",
        GenerationErrorKind.InvalidRequest => "invalid_request",
        GenerationErrorKind.ModelNotFound => "model_not_found",
        GenerationErrorKind.InsufficientCredits => "insufficient_credits",
        GenerationErrorKind.NoAccountAvailable => "no_account_available",
        GenerationErrorKind.ContentRejected => "content_rejected",
        GenerationErrorKind.JobFailed => "job_failed",
        GenerationErrorKind.JobExpired => "job_expired",
        _ => "unknown",
    };

    public const string CircuitOpenTag = "circuit_open";
}
