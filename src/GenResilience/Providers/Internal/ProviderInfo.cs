using Microsoft.Extensions.Options;

namespace GenResilience.Providers.Internal;

/// <summary>
/// The three providers, each with its client name, settings path and where its keys can come from.
/// </summary>
internal sealed record ProviderInfo(
    string Name,
    string ClientName,
    string? KeysFromEnvironment,
    Func<GenerationClientsOptions, GenerationProviderOptions?> Select)
{
    public static ProviderInfo UseApi { get; } = new("UseApi", GenerationHttpClientNames.UseApi, "the USEAPI_API_TOKEN environment variable", o => o.UseApi);

    public static ProviderInfo Bytez { get; } = new("Bytez", GenerationHttpClientNames.Bytez, "the BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... environment variables", o => o.Bytez);

    public static ProviderInfo Velro { get; } = new("Velro", GenerationHttpClientNames.Velro, null, o => o.Velro);

    public static IReadOnlyList<ProviderInfo> All { get; } = [UseApi, Bytez, Velro];

    /// <summary>The configuration section of a provider: <c>GenerationClients:Bytez</c>.</summary>
    public static string SectionFor(string provider) => GenerationClientsOptions.SectionName + ":" + provider;

    public string SettingFormat => GenerationClientsOptions.SectionName + ":" + Name + ":{0}";

    public string KeysSetting => KeysFromEnvironment is null
        ? $"{GenerationClientsOptions.SectionName}:{Name}:ApiKeys"
        : $"{GenerationClientsOptions.SectionName}:{Name}:ApiKeys (or {KeysFromEnvironment})";

    /// <summary>What is wrong with this provider's settings now; empty when they are valid or the provider is not configured.</summary>
    public IReadOnlyList<string> Validate(IServiceProvider services)
        => Select(Current(services)) is { } settings ? ProviderOptionsRules.Check(this, settings) : [];

    /// <summary>Returns a cheap getter of this provider's options as configured now.</summary>
    public Func<GenerationResilienceOptions> BindOptions(IServiceProvider services)
    {
        var monitor = (IOptionsMonitor<GenerationClientsOptions>)services.GetService(typeof(IOptionsMonitor<GenerationClientsOptions>))!;
        return () => From(monitor.CurrentValue);
    }

    public GenerationProviderOptions GetOptions(IServiceProvider services) => From(Current(services));

    private GenerationProviderOptions From(GenerationClientsOptions all)
    {
        return Select(all) ?? throw new InvalidOperationException(
            $"The {Name} client is not configured. Add a '{GenerationClientsOptions.SectionName}:{Name}' configuration section, " +
            (KeysFromEnvironment is null ? string.Empty : $"set {KeysFromEnvironment}, ") +
            $"or set options.{Name} in AddGenerationClients(options => ...).");
    }

    private static GenerationClientsOptions Current(IServiceProvider services)
        => ((IOptionsMonitor<GenerationClientsOptions>)services.GetService(typeof(IOptionsMonitor<GenerationClientsOptions>))!).CurrentValue;
}
