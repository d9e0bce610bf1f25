using GenResilience.Diagnostics.Internal;
using GenResilience.Keys.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// The long-lived parts of one resilient client, shared by all its requests and by every handler chain that
/// <see cref="IHttpClientFactory"/> builds for it over time: options, key pool, clock, logger and meter.
/// </summary>
internal sealed class GenerationClientContext
{
    private readonly GenerationClientDefinition _definition;
    private readonly IServiceProvider _services;
    private readonly object _optionsGate = new();
    private readonly Func<GenerationResilienceOptions> _configuredOptions;
    private Uri? _baseAddress;
    private OptionsSnapshot? _options;

    public GenerationClientContext(GenerationClientDefinition definition, IServiceProvider services, TimeProvider timeProvider, ILogger logger, GenerationMetrics metrics)
    {
        _definition = definition;
        _services = services;
        _configuredOptions = definition.BindOptions(services);
        Provider = definition.Provider;
        SettingFormat = definition.SettingFormat;
        KeysSetting = definition.KeysSetting;
        TimeProvider = timeProvider;
        Logger = logger;
        Metrics = metrics;
        IGenerationKeyStateStore? shared = SharedStore(services, definition.ClientName);
        Pool = new ApiKeyPool(this, shared is null ? new InMemoryApiKeyStateStore() : new SharedKeyStateStore(shared, Provider, logger));
    }

    public string Provider { get; }

    public string SettingFormat { get; }

    public string KeysSetting { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public GenerationMetrics Metrics { get; }

    public ApiKeyPool Pool { get; }

    /// <summary>
    /// Gets the options in force now. Options are validated when they change; a reload to invalid options does not
    /// break the client: the last valid options stay in force and the rejection is logged once. Invalid options with
    /// nothing valid before them throw <see cref="OptionsValidationException"/>.
    /// </summary>
    public GenerationResilienceOptions Options
    {
        get
        {
            GenerationResilienceOptions configured = _configuredOptions();
            OptionsSnapshot? snapshot = Volatile.Read(ref _options);
            if (snapshot is not null && ReferenceEquals(configured, snapshot.Configured))
            {
                return snapshot.InForce ?? throw snapshot.Error!;
            }

            lock (_optionsGate)
            {
                snapshot = _options;
                if (snapshot is not null && ReferenceEquals(configured, snapshot.Configured))
                {
                    return snapshot.InForce ?? throw snapshot.Error!;
                }

                IReadOnlyList<string> failures = _definition.Validate(_services);
                if (failures.Count == 0)
                {
                    snapshot = new OptionsSnapshot(configured, configured, null);
                }
                else
                {
                    var error = new OptionsValidationException(_definition.ClientName, configured.GetType(), failures);
                    if (snapshot?.InForce is not null)
                    {
                        Log.ReloadRejected(Logger, Provider, error.Message);
                    }

                    snapshot = new OptionsSnapshot(configured, snapshot?.InForce, error);
                }

                Volatile.Write(ref _options, snapshot);
                return snapshot.InForce ?? throw snapshot.Error!;
            }
        }
    }

    /// <summary>Gets or sets the client's <see cref="HttpClient.BaseAddress"/>: the only host that receives keys.</summary>
    public Uri? BaseAddress
    {
        get => Volatile.Read(ref _baseAddress);
        set => Volatile.Write(ref _baseAddress, value);
    }

    /// <summary>The app's shared key state for this client: one registered for its name (keyed), else one for every client.</summary>
    private static IGenerationKeyStateStore? SharedStore(IServiceProvider services, string clientName)
        => (services as IKeyedServiceProvider)?.GetKeyedService(typeof(IGenerationKeyStateStore), clientName) as IGenerationKeyStateStore
            ?? services.GetService(typeof(IGenerationKeyStateStore)) as IGenerationKeyStateStore;

    /// <param name="Configured">The options object the monitor returned.</param>
    /// <param name="InForce">The options in use: <paramref name="Configured"/> when valid, else the last valid ones.</param>
    /// <param name="Error">Why <paramref name="Configured"/> was rejected.</param>
    private sealed record OptionsSnapshot(GenerationResilienceOptions Configured, GenerationResilienceOptions? InForce, OptionsValidationException? Error);
}
