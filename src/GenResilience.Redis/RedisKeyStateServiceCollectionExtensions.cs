using GenResilience.Redis;
using GenResilience.Redis.Internal;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Shares the API key state of every GenResilience client of the app with the app's other instances, through Redis:
/// <c>services.AddGenerationClients(...).UseRedisKeyState("redis:6379")</c>.
/// </summary>
public static class RedisKeyStateServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the key state of every GenResilience client of the app (the provider clients of <c>AddGenerationClients</c>
    /// and every client with <c>AddGenerationResilience</c>, unless it has its own <c>UseRedisKeyState</c>) in Redis,
    /// shared with the app's other instances, over a connection this registration makes and owns.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>localhost:6379</c> or <c>redis:6379,password=...</c>; <c>abortConnect</c> is always false.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseRedisKeyState(this IServiceCollection services, string configuration, Action<RedisKeyStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        RedisKeyStateRegistration.Register(services, clientName: null, new RedisConnectionSource(configuration, null), configure);
        return services;
    }

    /// <summary>
    /// Keeps the key state of every GenResilience client of the app in Redis, shared with the app's other instances, over
    /// the app's own connection (which the app owns and disposes). Best with <c>abortConnect=false</c>, so that an app
    /// that starts while Redis is down still starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">Returns the app's multiplexer; called once, in the background.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection UseRedisKeyState(this IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisKeyStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        RedisKeyStateRegistration.Register(services, clientName: null, new RedisConnectionSource(null, connection), configure);
        return services;
    }
}
