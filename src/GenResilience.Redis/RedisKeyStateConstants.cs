namespace GenResilience.Redis;

/// <summary>The defaults of <see cref="RedisKeyStateOptions"/>, in one place.</summary>
public static class RedisKeyStateConstants
{
    /// <summary>The default <see cref="RedisKeyStateOptions.KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "genresilience";

    /// <summary>Gets the default <see cref="RedisKeyStateOptions.OperationTimeout"/>: 250 ms.</summary>
    public static TimeSpan DefaultOperationTimeout { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets the default <see cref="RedisKeyStateOptions.RetryInterval"/>: 1 s.</summary>
    public static TimeSpan DefaultRetryInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the default <see cref="RedisKeyStateOptions.IdleExpiry"/>: 1 hour.</summary>
    public static TimeSpan DefaultIdleExpiry { get; } = TimeSpan.FromHours(1);
}
