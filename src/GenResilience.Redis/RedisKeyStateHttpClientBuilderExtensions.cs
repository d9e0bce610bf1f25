using GenResilience.Redis;
using GenResilience.Redis.Internal;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Shares the API key state of one client built with <c>AddGenerationResilience</c> with the app's other instances,
/// through Redis: <c>services.AddHttpClient("Images").AddGenerationResilience(...).UseRedisKeyState("redis:6379")</c>.
/// </summary>
public static class RedisKeyStateHttpClientBuilderExtensions
{
    /// <summary>
    /// Keeps this client's key state in Redis, shared with the app's other instances, over a connection this
    /// registration makes and owns. Takes precedence over a <c>UseRedisKeyState</c> on the service collection.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>; <c>abortConnect</c> is always false.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHttpClientBuilder UseRedisKeyState(this IHttpClientBuilder builder, string configuration, Action<RedisKeyStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        RedisKeyStateRegistration.Register(builder.Services, builder.Name, new RedisConnectionSource(configuration, null), configure);
        return builder;
    }

    /// <summary>
    /// Keeps this client's key state in Redis, shared with the app's other instances, over the app's own connection
    /// (which the app owns and disposes). Takes precedence over a <c>UseRedisKeyState</c> on the service collection.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="connection">Returns the app's multiplexer; called once, in the background.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHttpClientBuilder UseRedisKeyState(this IHttpClientBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisKeyStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        RedisKeyStateRegistration.Register(builder.Services, builder.Name, new RedisConnectionSource(null, connection), configure);
        return builder;
    }
}
