namespace GenResilience.Resilience;

/// <summary>
/// The defaults of <see cref="GenerationResilienceOptions"/>, in one place.
/// </summary>
internal static class GenerationResilienceConstants
{
    public const string DefaultApiKeyHeaderName = "Authorization";
    public const string DefaultApiKeyScheme = "Bearer";
    public const int DefaultMaxRateLimitRetries = 3;
    public const int RateLimitStatusCode = 429;

    public static readonly TimeSpan DefaultRejectedKeyCooldown = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultRateLimitDelay = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Long enough for a 180 s video call, its three retries and their 5/15/30 s waits (770 s), with room for rate-limit waits.</summary>
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromMinutes(15);

    /// <summary>How long a pooled connection lives, so DNS changes (CDN fail-over) are picked up.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    public static int[] DefaultRetryStatusCodes() => [500, 502, 503, 504, 522, 523];

    public static TimeSpan[] DefaultRetryDelays() => [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    public static int[] DefaultKeyRejectedStatusCodes() => [401];
}
