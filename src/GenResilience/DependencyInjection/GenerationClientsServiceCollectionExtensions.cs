using GenResilience;
using GenResilience.DependencyInjection.Internal;
using GenResilience.Providers.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the resilient provider clients (UseAPI, Bytez, Velro).
/// </summary>
public static partial class GenerationClientsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider clients, bound from the <c>GenerationClients</c> section of the app's
    /// <see cref="IConfiguration"/> when one is registered, with keys also read from <c>BYTEZ_API_KEY_1..N</c> and
    /// <c>USEAPI_API_TOKEN</c>. Only providers whose options are present are set up and validated.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddGenerationClients(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GenerationClientsOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            if (provider.GetService<IConfiguration>() is { } configuration)
            {
                GenerationConfigurationBinder.Bind(configuration.GetSection(GenerationClientsOptions.SectionName), options);
            }
        });
        services.AddSingleton<IOptionsChangeTokenSource<GenerationClientsOptions>>(provider =>
            new ConfigurationChangeTokenSource<GenerationClientsOptions>(
                (IConfiguration?)provider.GetService<IConfiguration>()?.GetSection(GenerationClientsOptions.SectionName) ?? new ConfigurationBuilder().Build()));
        return AddGenerationClientsCore(services);
    }

    /// <summary>
    /// Registers the provider clients bound from <paramref name="section"/> (the <c>GenerationClients</c> section or
    /// its equal), reloaded when it changes. Keys are also read from <c>BYTEZ_API_KEY_1..N</c> and <c>USEAPI_API_TOKEN</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration holding <c>UseApi</c>, <c>Bytez</c> and <c>Velro</c> sub-sections.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddGenerationClients(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<GenerationClientsOptions>().Configure(options => GenerationConfigurationBinder.Bind(section, options));
        services.AddSingleton<IOptionsChangeTokenSource<GenerationClientsOptions>>(new ConfigurationChangeTokenSource<GenerationClientsOptions>(section));
        return AddGenerationClientsCore(services);
    }

    /// <summary>
    /// Registers the provider clients configured in code. Keys are also read from <c>BYTEZ_API_KEY_1..N</c> and
    /// <c>USEAPI_API_TOKEN</c> for a provider whose options give none.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; a provider left <see langword="null"/> is not configured.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddGenerationClients(this IServiceCollection services, Action<GenerationClientsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<GenerationClientsOptions>().Configure(configure);
        return AddGenerationClientsCore(services);
    }

    private static IServiceCollection AddGenerationClientsCore(IServiceCollection services)
    {
        // Each configured provider is validated on start and on every change by its pipeline (see
        // GenerationClientContext.Options), so an invalid reload leaves the last valid settings in force.
        services.AddOptions<GenerationClientsOptions>()
            .PostConfigure<IServiceProvider>((options, provider) => EnvironmentApiKeys.Apply(options, provider.GetService<IConfiguration>()));

        // A second call adds configuration, not a second pipeline.
        if (services.Any(d => d.ServiceType == typeof(GenerationClientsMarker)))
        {
            return services;
        }

        services.AddSingleton<GenerationClientsMarker>();
        services.TryAddSingleton<IUseApiClient>(sp => new UseApiClient(new ProviderClientServices<UseApiClientOptions>(sp, ProviderInfo.UseApi)));
        services.TryAddSingleton<IBytezClient>(sp => new BytezClient(new ProviderClientServices<BytezClientOptions>(sp, ProviderInfo.Bytez)));
        services.TryAddSingleton<IVelroClient>(sp => new VelroClient(new ProviderClientServices<VelroClientOptions>(sp, ProviderInfo.Velro)));
        foreach (ProviderInfo provider in ProviderInfo.All)
        {
            services.AddHttpClient(provider.ClientName)
                .ConfigureHttpClient((services, client) => client.BaseAddress = provider.GetOptions(services).BaseAddress)
                .AddGenerationPipeline(new GenerationClientDefinition(
                    ClientName: provider.ClientName,
                    Provider: provider.Name,
                    BindOptions: provider.BindOptions,
                    Validate: provider.Validate,
                    SettingFormat: provider.SettingFormat,
                    KeysSetting: provider.KeysSetting,
                    EnableReloads: static context => context.EnableReloads<GenerationClientsOptions>(),
                    OwnsClient: true));
        }

        return services;
    }

    private sealed class GenerationClientsMarker;
}
