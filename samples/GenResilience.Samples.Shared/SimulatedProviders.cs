using System.Globalization;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;

namespace GenResilience.Samples;

/// <summary>
/// The samples' one concession to having no keys: for each provider that has neither configuration nor keys, starts its
/// simulator on loopback and points <c>GenerationClients:&lt;provider&gt;</c> at it, with the settings of the
/// <c>Simulated:GenerationClients:&lt;provider&gt;</c> section (the samples' <c>appsettings.json</c> shortens the
/// delays there). A provider that is configured (a <c>GenerationClients:&lt;provider&gt;</c> section,
/// <c>USEAPI_API_TOKEN</c>, <c>BYTEZ_API_KEY_1</c>...) is left alone: the app calls the real service, with the
/// production defaults unless the configuration says otherwise.
/// </summary>
public sealed class SimulatedProviders : IDisposable
{
    /// <summary>The section holding the settings used for simulated providers only.</summary>
    public const string SimulatedSection = "Simulated";

    /// <summary>The provider names, in the order the samples show them.</summary>
    public static readonly IReadOnlyList<string> Names = ["UseApi", "Bytez", "Velro"];

    private const int MaxNumberedKeys = 100;

    private readonly Dictionary<string, Uri> _addresses = new(StringComparer.Ordinal);

    private SimulatedProviders(UseApiSimulator? useApi, BytezSimulator? bytez, VelroSimulator? velro)
    {
        UseApi = useApi;
        Bytez = bytez;
        Velro = velro;
    }

    /// <summary>Gets the UseAPI simulator, or <see langword="null"/> when UseAPI is configured (real service).</summary>
    public UseApiSimulator? UseApi { get; }

    /// <summary>Gets the Bytez simulator, or <see langword="null"/> when Bytez is configured (real service).</summary>
    public BytezSimulator? Bytez { get; }

    /// <summary>Gets the Velro simulator, or <see langword="null"/> when Velro is configured (real service).</summary>
    public VelroSimulator? Velro { get; }

    /// <summary>Gets a value indicating whether every provider runs on its simulator.</summary>
    public bool All => UseApi is not null && Bytez is not null && Velro is not null;

    /// <summary>
    /// Starts the simulators for the providers that <paramref name="configuration"/> does not configure, and adds
    /// their settings to it.
    /// </summary>
    /// <param name="configuration">The app's configuration (<c>builder.Configuration</c>).</param>
    /// <returns>The simulators; dispose them after the app.</returns>
    public static SimulatedProviders Start(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        UseApiSimulator? useApi = null;
        if (!IsConfigured(configuration, "UseApi"))
        {
            List<string> tokens = Demo(configuration, "UseApi", settings, "test-useapi-token-0001");
            useApi = UseApiSimulator.Start([.. tokens]);
            foreach (IConfigurationSection account in configuration.GetSection(SimulatedSection + ":GenerationClients:UseApi:Accounts").GetChildren())
            {
                if (account["Email"] is { Length: > 0 } email)
                {
                    useApi.AddAccount(email);
                }
            }

            settings["GenerationClients:UseApi:BaseAddress"] = useApi.BaseAddress.ToString();
        }

        BytezSimulator? bytez = null;
        if (!IsConfigured(configuration, "Bytez"))
        {
            bytez = BytezSimulator.Start();
            foreach (string key in Demo(configuration, "Bytez", settings, "test-bytez-key-0001"))
            {
                bytez.WithKey(key);
            }

            settings["GenerationClients:Bytez:BaseAddress"] = bytez.BaseAddress.ToString();
        }

        VelroSimulator? velro = null;
        if (!IsConfigured(configuration, "Velro"))
        {
            Demo(configuration, "Velro", settings, "test-velro-token-0001");
            velro = VelroSimulator.Start();
            settings["GenerationClients:Velro:BaseAddress"] = velro.BaseAddress.ToString();
        }

        configuration.AddInMemoryCollection(settings);
        var providers = new SimulatedProviders(useApi, bytez, velro);
        foreach (string name in Names)
        {
            if (configuration["GenerationClients:" + name + ":BaseAddress"] is { } address && providers.IsSimulated(name))
            {
                providers._addresses[name] = new Uri(address);
            }
        }

        return providers;
    }

    /// <summary>
    /// Whether the configuration names a provider: its <c>GenerationClients</c> section, or the environment variables the
    /// client reads its keys from (<c>USEAPI_API_TOKEN</c>; <c>BYTEZ_API_KEY</c>, <c>BYTEZ_API_KEY_1</c>...).
    /// </summary>
    /// <param name="configuration">The app's configuration.</param>
    /// <param name="provider"><c>UseApi</c>, <c>Bytez</c> or <c>Velro</c>.</param>
    /// <returns><see langword="true"/> when the real service is to be called.</returns>
    public static bool IsConfigured(IConfiguration configuration, string provider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection("GenerationClients:" + provider).Exists())
        {
            return true;
        }

        return provider switch
        {
            "UseApi" => HasValue(configuration, "USEAPI_API_TOKEN"),
            "Bytez" => HasValue(configuration, "BYTEZ_API_KEY")
                || Enumerable.Range(1, MaxNumberedKeys).Any(i => HasValue(configuration, "BYTEZ_API_KEY_" + i.ToString(CultureInfo.InvariantCulture))),
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="provider"/> runs on its simulator.</summary>
    /// <param name="provider"><c>UseApi</c>, <c>Bytez</c> or <c>Velro</c>.</param>
    /// <returns><see langword="true"/> for a simulated provider.</returns>
    public bool IsSimulated(string provider) => provider switch
    {
        "UseApi" => UseApi is not null,
        "Bytez" => Bytez is not null,
        "Velro" => Velro is not null,
        _ => false,
    };

    /// <summary>Where a provider's calls go, for the samples' headers: the simulator's address, or "the real service".</summary>
    /// <param name="provider"><c>UseApi</c>, <c>Bytez</c> or <c>Velro</c>.</param>
    /// <returns>A short description.</returns>
    public string Describe(string provider)
        => _addresses.TryGetValue(provider, out Uri? address)
            ? "simulator on " + address.GetLeftPart(UriPartial.Authority)
            : "the real service (configured)";

    /// <inheritdoc/>
    public void Dispose()
    {
        UseApi?.Dispose();
        Bytez?.Dispose();
        Velro?.Dispose();
    }

    private static bool HasValue(IConfiguration configuration, string name)
        => !string.IsNullOrWhiteSpace(configuration[name]) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name));

    /// <summary>Copies <c>Simulated:GenerationClients:&lt;provider&gt;</c> to <c>GenerationClients:&lt;provider&gt;</c>; returns its keys.</summary>
    private static List<string> Demo(IConfiguration configuration, string provider, Dictionary<string, string?> settings, string defaultKey)
    {
        IConfigurationSection demo = configuration.GetSection(SimulatedSection + ":GenerationClients:" + provider);
        foreach ((string path, string? value) in demo.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                settings["GenerationClients:" + provider + ":" + path] = value;
            }
        }

        List<string> keys = [.. demo.GetSection("ApiKeys").GetChildren().Select(k => k.Value).OfType<string>()];
        if (keys.Count == 0)
        {
            keys.Add(defaultKey);
            settings["GenerationClients:" + provider + ":ApiKeys:0"] = defaultKey;
        }

        return keys;
    }
}
