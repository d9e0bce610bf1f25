namespace GenResilience.Benchmarks.Server;

/// <summary>
/// How the <see cref="LoopbackProvider"/> answers: a token bucket per API key (the provider's plan) and the keys it
/// has revoked. Every path follows the same rules, the account path of a key check included.
/// </summary>
/// <param name="RequestsPerSecondPerKey">The rate each key's bucket refills at; <see langword="null"/> for no limit.</param>
/// <param name="BucketCapacity">How many requests a key may send at once before the rate applies.</param>
/// <param name="RetryAfterSeconds">The <c>Retry-After</c> of a 429, in whole seconds.</param>
/// <param name="RevokedKeys">Keys answered with 401 on every path.</param>
public sealed record ProviderRules(double? RequestsPerSecondPerKey, int BucketCapacity, int RetryAfterSeconds, IReadOnlyCollection<string> RevokedKeys)
{
    /// <summary>Gets rules that admit every valid key at once: no rate limit, nothing revoked.</summary>
    public static ProviderRules Open { get; } = new(null, 1, 1, []);

    /// <summary>Gets rules with a token bucket per key.</summary>
    /// <param name="requestsPerSecond">The rate each key is admitted at.</param>
    /// <param name="capacity">The bucket's size.</param>
    /// <param name="retryAfterSeconds">The <c>Retry-After</c> of a 429.</param>
    /// <returns>The rules.</returns>
    public static ProviderRules RateLimited(double requestsPerSecond, int capacity, int retryAfterSeconds)
        => new(requestsPerSecond, capacity, retryAfterSeconds, []);

    /// <summary>Gets rules that reject some keys with 401 and admit the others without limit.</summary>
    /// <param name="revokedKeys">The keys to reject.</param>
    /// <returns>The rules.</returns>
    public static ProviderRules Revoking(params string[] revokedKeys) => new(null, 1, 1, revokedKeys);
}
