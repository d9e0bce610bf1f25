namespace GenResilience.Redis;

/// <summary>
/// How GenResilience keeps key state in Redis (<c>UseRedisKeyState</c>).
/// </summary>
public sealed class RedisKeyStateOptions
{
    /// <summary>Gets or sets the first part of every Redis key: <c>{KeyPrefix}:{provider}:{key id}</c>.</summary>
    /// <value>The default is <c>genresilience</c>. Not empty, no whitespace.</value>
    public string KeyPrefix { get; set; } = RedisKeyStateConstants.DefaultKeyPrefix;

    /// <summary>
    /// Gets or sets the longest a request waits for Redis before it goes on with the instance's own state. Applies to
    /// every call; a call that takes longer counts as Redis being unavailable.
    /// </summary>
    /// <value>The default is 250 ms. From 10 ms to 10 s.</value>
    public TimeSpan OperationTimeout { get; set; } = RedisKeyStateConstants.DefaultOperationTimeout;

    /// <summary>
    /// Gets or sets how long requests use the instance's own state only, after a Redis call failed or timed out while the
    /// connection looked up, before one tries Redis again. While the connection is down, nothing is tried until it is back.
    /// </summary>
    /// <value>The default is 1 s. From 10 ms to 10 min.</value>
    public TimeSpan RetryInterval { get; set; } = RedisKeyStateConstants.DefaultRetryInterval;

    /// <summary>
    /// Gets or sets how long a key's state stays in Redis after the last thing that needed it (a quarantine or
    /// cooldown ends, the last place in its rate budget is used, the last 429 or key check), so nothing lingers.
    /// </summary>
    /// <value>The default is 1 hour. From 1 s to 30 days.</value>
    public TimeSpan IdleExpiry { get; set; } = RedisKeyStateConstants.DefaultIdleExpiry;
}
