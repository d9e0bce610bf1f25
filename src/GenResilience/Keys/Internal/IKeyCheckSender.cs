namespace GenResilience.Keys.Internal;

/// <summary>
/// Sends the cheap authenticated request of <see cref="GenerationResilienceOptions.KeyCheck"/> with one key, through
/// the same handlers as a real attempt, and says what the answer means.
/// </summary>
internal interface IKeyCheckSender
{
    /// <summary>Sends the check with the key of <paramref name="lease"/>.</summary>
    /// <returns>The classified answer; <see cref="KeyCheckResult.Outcome"/> is <see langword="null"/> when no answer came.</returns>
    ValueTask<KeyCheckResult> SendAsync(ApiKeyLease lease, CancellationToken cancellationToken);
}

/// <summary>The answer to a key check.</summary>
/// <param name="Outcome">What the answer means, or <see langword="null"/> when none came (network error, timeout).</param>
/// <param name="StatusCode">The HTTP status, when an answer came.</param>
/// <param name="RetryAfter">The answer's <c>Retry-After</c>, for a 429.</param>
internal readonly record struct KeyCheckResult(GenerationOutcomeKind? Outcome, int? StatusCode, TimeSpan? RetryAfter);
