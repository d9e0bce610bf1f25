namespace GenResilience;

/// <summary>A 429 to record in an <see cref="IGenerationKeyStateStore"/>, with the rule for how long it cools the key down.</summary>
public readonly record struct GenerationRateLimitRecord
{
    /// <summary>Gets when the attempt that met the 429 started; an attempt that started before the key's last 429 is the same burst.</summary>
    public required DateTimeOffset AttemptStartedAt { get; init; }

    /// <summary>Gets when the 429 came.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Gets the provider's <c>Retry-After</c>, if it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the cooldown per 429 in a row without a <c>Retry-After</c> (<see cref="GenerationResilienceOptions.RateLimitDelay"/>).</summary>
    public TimeSpan DelayPerRateLimit { get; init; }

    /// <summary>Gets the longest cooldown (<see cref="GenerationResilienceOptions.MaxRetryAfter"/>).</summary>
    public TimeSpan MaxCooldown { get; init; }

    /// <summary>The cooldown after <paramref name="rateLimitsInARow"/> 429s in a row: <see cref="RetryAfter"/>, else <see cref="DelayPerRateLimit"/> × the count; at most <see cref="MaxCooldown"/>.</summary>
    /// <param name="rateLimitsInARow">The key's 429s in a row, this one included.</param>
    /// <returns>How long the key cools down.</returns>
    public TimeSpan Cooldown(int rateLimitsInARow)
    {
        TimeSpan wait = RetryAfter ?? DelayPerRateLimit * rateLimitsInARow;
        return wait > MaxCooldown ? MaxCooldown : wait;
    }
}
