using Microsoft.Extensions.Logging;

namespace GenResilience.Redis.Internal;

/// <summary>The log lines of the Redis key state, under the category <c>GenResilience.Redis</c>. Keys never appear.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "RedisKeyStateUnavailable", Level = LogLevel.Warning,
        Message = "Redis key state is unavailable ({Reason}); API key state is kept by this app instance only until Redis is back")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 102, EventName = "RedisKeyStateRestored", Level = LogLevel.Information,
        Message = "Redis key state is back; API key state is shared again ({Republished} keys' quarantines and cooldowns written back)")]
    public static partial void Restored(ILogger logger, int republished);
}
