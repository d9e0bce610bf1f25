namespace GenResilience.Benchmarks.ScaleOut;

/// <summary>The fleet, the load and the provider's plan of the scale-out scenario.</summary>
/// <param name="Instances">App instances, each with its own service provider and key pool.</param>
/// <param name="Requests">Requests in all, spread evenly over the instances.</param>
/// <param name="CallersPerInstance">Callers sending at once in each instance.</param>
/// <param name="ProviderRequestsPerSecondPerKey">The rate the provider admits each key at (R).</param>
/// <param name="ProviderBucketCapacity">The burst the provider admits per key.</param>
/// <param name="RetryAfterSeconds">The provider's <c>Retry-After</c> on a 429.</param>
/// <param name="RevokedKeyRequests">Requests in all of the revoked-key part.</param>
/// <param name="ClientTimeLimit">A bound on one run on the real clock.</param>
public sealed record ScaleOutSettings(
    int Instances,
    int Requests,
    int CallersPerInstance,
    double ProviderRequestsPerSecondPerKey,
    int ProviderBucketCapacity,
    int RetryAfterSeconds,
    int RevokedKeyRequests,
    TimeSpan ClientTimeLimit)
{
    /// <summary>Gets the scenario of issue 13: four instances of 16 callers, 600 requests, two keys at 100 requests/s each (bucket 10, <c>Retry-After: 1</c>); 400 requests for the revoked key.</summary>
    public static ScaleOutSettings Full { get; } = new(4, 600, 16, 100, 10, 1, 400, TimeSpan.FromMinutes(5));

    /// <summary>Gets a third of the load, for a quick look.</summary>
    public static ScaleOutSettings Quick { get; } = Full with { Requests = 200, RevokedKeyRequests = 200 };

    /// <summary>The makespan at the provider's full rate on <paramref name="keys"/> keys: requests / (R × keys).</summary>
    /// <param name="keys">How many keys the fleet spreads the load over.</param>
    /// <returns>The ideal makespan.</returns>
    public TimeSpan IdealMakespan(int keys) => TimeSpan.FromSeconds(Requests / (ProviderRequestsPerSecondPerKey * keys));
}
