using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GenResilience.Redis.Internal;

/// <summary>Registers a <see cref="RedisKeyStateStore"/> for every client of the app, or keyed by one client's name.</summary>
internal static class RedisKeyStateRegistration
{
    /// <summary>The options name of the store shared by every client; a client's own is this plus <c>:</c> and its name.</summary>
    public const string OptionsName = "GenResilience.Redis";

    public static void Register(IServiceCollection services, string? clientName, RedisConnectionSource source, Action<RedisKeyStateOptions>? configure)
    {
        string optionsName = clientName is null ? OptionsName : OptionsName + ":" + clientName;
        OptionsBuilder<RedisKeyStateOptions> options = services.AddOptions<RedisKeyStateOptions>(optionsName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisKeyStateOptions>, RedisKeyStateOptionsValidator>());

        RedisKeyStateStore Create(IServiceProvider provider)
            => new(provider.GetRequiredService<IOptionsMonitor<RedisKeyStateOptions>>().Get(optionsName), source, provider);

        if (clientName is null)
        {
            services.RemoveAll<IGenerationKeyStateStore>();
            services.AddSingleton<IGenerationKeyStateStore>(Create);
        }
        else
        {
            services.RemoveAllKeyed<IGenerationKeyStateStore>(clientName);
            services.AddKeyedSingleton<IGenerationKeyStateStore>(clientName, (provider, _) => Create(provider));
        }
    }
}
