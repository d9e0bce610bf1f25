namespace GenResilience.Benchmarks.RateLimit;

/// <summary>The load and the provider's plan of the rate-limit scenario.</summary>
/// <param name="Requests">Requests in all, per client.</param>
/// <param name="Callers">Callers sending at once.</param>
/// <param name="ProviderRequestsPerSecondPerKey">The rate the provider admits each key at.</param>
/// <param name="ProviderBucketCapacity">The burst the provider admits per key.</param>
/// <param name="RetryAfterSeconds">The provider's <c>Retry-After</c> on a 429.</param>
/// <param name="ClientTimeLimit">A bound on one client's run on the real clock; a client still running then fails the run.</param>
public sealed record RateLimitSettings(
    int Requests,
    int Callers,
    double ProviderRequestsPerSecondPerKey,
    int ProviderBucketCapacity,
    int RetryAfterSeconds,
    TimeSpan ClientTimeLimit)
{
    /// <summary>Gets the scenario of issue 5: 600 requests, 64 callers, 100 requests/s per key with a bucket of 10, <c>Retry-After: 1</c>.</summary>
    public static RateLimitSettings Full { get; } = new(600, 64, 100, 10, 1, TimeSpan.FromMinutes(5));

    /// <summary>Gets a third of the load, for a quick look: 200 requests, 64 callers, the same plan.</summary>
    public static RateLimitSettings Quick { get; } = Full with { Requests = 200 };

    /// <summary>The makespan if the provider's rate were used fully from the first request: requests / (rate × keys).</summary>
    /// <param name="keys">How many keys the client spreads the load over.</param>
    /// <returns>The ideal makespan.</returns>
    public TimeSpan IdealMakespan(int keys) => TimeSpan.FromSeconds(Requests / (ProviderRequestsPerSecondPerKey * keys));
}
