namespace GenResilience.Tests.Redis;

/// <summary>A test against a real Redis: skipped, with the reason, only when no Redis can be had on this machine.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
