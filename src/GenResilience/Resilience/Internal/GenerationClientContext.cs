using GenResilience.Diagnostics.Internal;
using GenResilience.Keys.Internal;
using Microsoft.Extensions.Logging;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// The long-lived parts of one resilient client, shared by all its requests and by every handler chain that
/// <see cref="IHttpClientFactory"/> builds for it over time: options, key pool, clock, logger and meter.
/// </summary>
internal sealed class GenerationClientContext
{
    private readonly Func<IServiceProvider, GenerationResilienceOptions> _getOptions;
    private readonly IServiceProvider _services;
    private Uri? _baseAddress;

    public GenerationClientContext(GenerationClientDefinition definition, IServiceProvider services, TimeProvider timeProvider, ILogger logger, GenerationMetrics metrics)
    {
        _getOptions = definition.GetOptions;
        _services = services;
        Provider = definition.Provider;
        SettingFormat = definition.SettingFormat;
        KeysSetting = definition.KeysSetting;
        TimeProvider = timeProvider;
        Logger = logger;
        Metrics = metrics;
        Pool = new ApiKeyPool(this, new InMemoryApiKeyStateStore());
    }

    public string Provider { get; }

    public string SettingFormat { get; }

    public string KeysSetting { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public GenerationMetrics Metrics { get; }

    public ApiKeyPool Pool { get; }

    /// <summary>Gets the options in force now.</summary>
    public GenerationResilienceOptions Options => _getOptions(_services);

    /// <summary>Gets or sets the client's <see cref="HttpClient.BaseAddress"/>: the only host that receives keys.</summary>
    public Uri? BaseAddress
    {
        get => Volatile.Read(ref _baseAddress);
        set => Volatile.Write(ref _baseAddress, value);
    }
}
