using GenResilience.DependencyInjection.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenResilience.Providers.Internal;

/// <summary>
/// What a typed provider client needs from DI: its resilient named <see cref="HttpClient"/>, its validated options
/// (the last valid ones after a bad reload, like the pipeline's), the clock and a logger. Built once per client.
/// </summary>
/// <typeparam name="TOptions">The provider's options type.</typeparam>
internal sealed class ProviderClientServices<TOptions>
    where TOptions : GenerationProviderOptions
{
    private readonly IHttpClientFactory _factory;
    private readonly GenerationClientRegistry _registry;
    private readonly GenerationClientDefinition _definition;

    public ProviderClientServices(IServiceProvider services, ProviderInfo provider)
    {
        _factory = services.GetRequiredService<IHttpClientFactory>();
        _registry = services.GetRequiredService<GenerationClientRegistry>();
        _definition = services.GetRequiredService<GenerationPipelineNames>().TryGet(provider.ClientName, out GenerationClientDefinition? definition)
            ? definition
            : throw new InvalidOperationException($"The {provider.Name} client was not registered; call services.AddGenerationClients().");
        Provider = provider;
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("GenResilience");
    }

    public ProviderInfo Provider { get; }

    public string Name => Provider.Name;

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    /// <summary>Gets the options in force; throws the provider's "not configured" message when it is not configured.</summary>
    public TOptions Options => (TOptions)_registry.Get(_definition).Options;

    /// <summary>Gets the named resilient client; cheap, so callers take one per call.</summary>
    public HttpClient CreateClient() => _factory.CreateClient(Provider.ClientName);

    /// <summary>
    /// Gets a client without the GenResilience pipeline and without keys (the app's handler defaults still apply), for
    /// a check that must go out with no credentials, such as "does the service refuse a request without a token".
    /// Requests on it need absolute addresses and their own timeout.
    /// </summary>
    public HttpClient CreateClientWithoutKeys() => _factory.CreateClient(Provider.ClientName + ".WithoutKeys");

    /// <summary>The setting path of one option: <c>GenerationClients:UseApi:PollInterval</c>.</summary>
    public string Setting(string property) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Provider.SettingFormat, property);
}
