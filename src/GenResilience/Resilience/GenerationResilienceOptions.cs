using System.ComponentModel.DataAnnotations;
using GenResilience.Resilience;
using GenResilience.Resilience.Internal;

namespace GenResilience;

/// <summary>
/// Settings of the GenResilience pipeline for one <see cref="HttpClient"/>: retries for server errors,
/// API key rotation, rate-limit waits and timeouts.
/// </summary>
/// <remarks>
/// Bound from configuration, the lists (<see cref="RetryStatusCodes"/>, <see cref="RetryDelays"/>,
/// <see cref="KeyRejectedStatusCodes"/>, <see cref="ApiKeys"/>) replace their defaults instead of adding to them.
/// </remarks>
public class GenerationResilienceOptions
{
    /// <summary>
    /// Gets or sets the HTTP status codes that count as server errors and are retried after <see cref="RetryDelays"/>.
    /// </summary>
    /// <value>The default is 500, 502, 503, 504, 522 and 523 (Cloudflare's "connection timed out" and "origin unreachable").</value>
    public IList<int> RetryStatusCodes { get; set; } = new List<int>(GenerationResilienceConstants.DefaultRetryStatusCodes());

    /// <summary>
    /// Gets or sets the waits before each retry of a server error, network error or attempt timeout: one retry per entry.
    /// </summary>
    /// <value>The default is 5 s, 15 s and 30 s: three retries, four attempts in all.</value>
    public IList<TimeSpan> RetryDelays { get; set; } = new List<TimeSpan>(GenerationResilienceConstants.DefaultRetryDelays());

    /// <summary>
    /// Gets or sets a value indicating whether each of <see cref="RetryDelays"/> is varied by up to ±25 %
    /// so that many clients do not retry in step.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the delays are exact.</value>
    public bool UseJitter { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a request that is not idempotent (POST, PATCH) is retried after a failure
    /// that may have reached the service: an attempt timeout, a server error other than Cloudflare's 522 and 523
    /// (500, 502, 503, 504, 524, ...), or a connection lost after the request was sent. Such a retry can start a
    /// second paid job. Failures that prove the request never reached the service (connect, DNS and TLS errors, the
    /// connect timeout, 522, 523) are always retried, as are 429s and rejected keys; idempotent methods (GET, HEAD,
    /// PUT, DELETE, OPTIONS) always are too. One request can decide for itself with
    /// <see cref="GenerationHttpRequestMessageExtensions.SetRetryAfterAmbiguousFailure"/>.
    /// </summary>
    /// <value>The default is <see langword="true"/>: a job is not lost to an outage, at the risk of a duplicate.</value>
    public bool RetryNonIdempotentAfterAmbiguousFailure { get; set; } = true;

    /// <summary>
    /// Gets or sets the API keys shared by every request of the client. Each attempt takes a key that is neither
    /// rejected nor cooling down after a 429; with no keys the pipeline sends no key header.
    /// </summary>
    /// <value>The default is an empty list.</value>
    public IList<string> ApiKeys { get; set; } = new List<string>();

    /// <summary>
    /// Gets or sets the request header that carries the API key.
    /// </summary>
    /// <value>The default is <c>Authorization</c>.</value>
    [Required]
    public string ApiKeyHeaderName { get; set; } = GenerationResilienceConstants.DefaultApiKeyHeaderName;

    /// <summary>
    /// Gets or sets the scheme written before the key (<c>Bearer</c>, <c>Key</c>, ...); empty sends the bare key.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <c>Bearer</c> when <see cref="ApiKeyHeaderName"/> is <c>Authorization</c>,
    /// and the bare key in any other header (<c>X-Api-Key: &lt;key&gt;</c>).
    /// </value>
    public string? ApiKeyScheme { get; set; }

    /// <summary>The scheme actually sent: <see cref="ApiKeyScheme"/>, or <c>Bearer</c> for the <c>Authorization</c> header when it is <see langword="null"/>.</summary>
    internal string? EffectiveApiKeyScheme => ApiKeyScheme
        ?? (string.Equals(ApiKeyHeaderName, GenerationResilienceConstants.DefaultApiKeyHeaderName, StringComparison.OrdinalIgnoreCase)
            ? GenerationResilienceConstants.DefaultApiKeyScheme
            : null);

    /// <summary>
    /// Gets or sets the HTTP status codes that mean "this key is rejected": the key is quarantined for
    /// <see cref="RejectedKeyCooldown"/> and the request is retried at once with the next key.
    /// </summary>
    /// <value>The default is 401.</value>
    public IList<int> KeyRejectedStatusCodes { get; set; } = new List<int>(GenerationResilienceConstants.DefaultKeyRejectedStatusCodes());

    /// <summary>
    /// Gets or sets how long a rejected key stays out of use. Changing the options (a configuration reload) lifts every quarantine.
    /// </summary>
    /// <value>The default is 10 minutes.</value>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan RejectedKeyCooldown { get; set; } = GenerationResilienceConstants.DefaultRejectedKeyCooldown;

    /// <summary>
    /// Gets or sets the longest cooldown a 429's <c>Retry-After</c> header can impose on a key.
    /// </summary>
    /// <value>The default is 2 minutes.</value>
    [TimeSpanRange("00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = GenerationResilienceConstants.DefaultMaxRetryAfter;

    /// <summary>
    /// Gets or sets the cooldown after a 429 that has no <c>Retry-After</c> header, multiplied by the number of
    /// consecutive 429s on that key (2 s, 4 s, 6 s, ...), and capped by <see cref="MaxRetryAfter"/>.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan RateLimitDelay { get; set; } = GenerationResilienceConstants.DefaultRateLimitDelay;

    /// <summary>
    /// Gets or sets how many times one request is retried after 429s. This budget is separate from <see cref="RetryDelays"/>.
    /// </summary>
    /// <value>The default is 3.</value>
    [Range(0, 100)]
    public int MaxRateLimitRetries { get; set; } = GenerationResilienceConstants.DefaultMaxRateLimitRetries;

    /// <summary>
    /// Gets or sets the most requests per second that one API key may send, when the provider's plan states it.
    /// Every key then gets a token bucket: requests beyond the rate wait in arrival order (each can be cancelled,
    /// and a wait that would overrun the total timeout fails at once with <see cref="GenerationErrorKind.RateLimited"/>),
    /// so the client stays inside the plan and receives no 429 at all.
    /// </summary>
    /// <remarks>
    /// With <see langword="null"/> each key's rate is learned from the 429s it meets: until its first 429 a key sends
    /// freely; after it, nothing leaves during the cooldown, one trial request leaves when it ends, and once the trial
    /// has answered the other waiters follow at the rate the provider was seen to admit, which then grows back while
    /// requests succeed (like the AWS SDKs' adaptive retry mode).
    /// </remarks>
    /// <value>The default is <see langword="null"/>: the rate is learned.</value>
    [Range(0.001, 100_000)]
    public double? RequestsPerSecondPerKey { get; set; }

    /// <summary>
    /// Gets or sets a factory for a cheap authenticated request (an account or "me" endpoint, such as
    /// <c>GET /v2/account</c>) that verifies a key before its first real use, and again after a quarantine ends.
    /// However many requests start at once, each key is checked once: a revoked key costs exactly one cheap request
    /// and no real one, and a healthy key one cheap request in its lifetime.
    /// </summary>
    /// <remarks>
    /// The request goes through the same handlers as a real attempt, with the key to check; a relative address is
    /// resolved against the client's <see cref="HttpClient.BaseAddress"/>. Its answer is read by
    /// <see cref="Classifier"/>: a rejected key is quarantined; a success, a 429, a server error or no answer leaves
    /// the key in use. Without a check, a revoked key costs one failed round trip for each request that was already
    /// sent with it when its first rejection came back (at most one per request in flight).
    /// </remarks>
    /// <value>The default is <see langword="null"/>: keys are not checked in advance.</value>
    public Func<HttpRequestMessage>? KeyCheck { get; set; }

    /// <summary>
    /// Gets or sets the TCP (and TLS) connect timeout of the primary <see cref="System.Net.Http.SocketsHttpHandler"/>.
    /// </summary>
    /// <value>The default is 15 seconds.</value>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = GenerationResilienceConstants.DefaultConnectTimeout;

    /// <summary>
    /// Gets or sets the timeout of one attempt; a timed-out attempt is retried like a server error.
    /// A request can override it with <see cref="GenerationHttpRequestMessageExtensions.SetAttemptTimeout"/>.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    [TimeSpanRange("00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = GenerationResilienceConstants.DefaultAttemptTimeout;

    /// <summary>
    /// Gets or sets the timeout of the whole operation: every attempt, retry delay and rate-limit wait, and the reading
    /// of the response body after the headers. A request can override it with
    /// <see cref="GenerationHttpRequestMessageExtensions.SetTotalTimeout"/>. <see langword="null"/> removes the bound
    /// (not recommended: a body that stalls after its headers would then hang its reader).
    /// </summary>
    /// <value>
    /// The default is 15 minutes: enough for a 180 s video call, its three retries and their waits.
    /// </value>
    [TimeSpanRange("00:00:00.010", "1.00:00:00")]
    public TimeSpan? TotalTimeout { get; set; } = GenerationResilienceConstants.DefaultTotalTimeout;

    /// <summary>
    /// Gets or sets what decides whether a response is a success, a server error, a rate limit, a rejected key or a
    /// final failure, and which <see cref="GenerationErrorKind"/> a failure is. Providers with their own dialect
    /// (errors inside a 200 body, 403 for bad keys) plug in a subclass.
    /// </summary>
    /// <value>The default is <see cref="GenerationOutcomeClassifier.Default"/>, which reads status codes only.</value>
    public GenerationOutcomeClassifier Classifier { get; set; } = GenerationOutcomeClassifier.Default;
}
