using StackExchange.Redis;

namespace GenResilience.Redis.Internal;

/// <summary>Where the store's connection comes from: a configuration string (the store connects and owns the connection) or the app's own multiplexer.</summary>
/// <param name="Configuration">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
/// <param name="Factory">Returns the app's multiplexer; the app owns it.</param>
internal sealed record RedisConnectionSource(string? Configuration, Func<IServiceProvider, IConnectionMultiplexer>? Factory);
